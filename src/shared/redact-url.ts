/**
 * Signed URLs carry credentials in their query string. Everything a person or a file sees
 * (logs, progress, errors, `source_file`) goes through `redactUrl`, unless the user passed
 * --keep-url-query.
 */

let keepQuery = false;

/** Called once by the CLI when --keep-url-query is given. */
export function setKeepUrlQuery(value: boolean): void {
  keepQuery = value;
}

/** The location without its query string and fragment; local paths are returned unchanged. */
export function redactUrl(location: string): string {
  if (keepQuery) return location;
  const schemeEnd = location.indexOf('://');
  if (schemeEnd < 0 || location.startsWith('file://')) return location;
  const cut = location.search(/[?#]/);
  return cut < 0 ? location : location.slice(0, cut);
}

/** Replaces every http(s) URL inside a free text (an error message, say) by its redacted form. */
export function redactUrlsInText(text: string): string {
  if (keepQuery) return text;
  return text.replace(/https?:\/\/[^\s"'<>]+/g, (url) => redactUrl(url));
}
