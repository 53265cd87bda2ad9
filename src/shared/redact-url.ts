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

/**
 * Query parameters that carry credentials or expire with them: AWS and Google signatures
 * (X-Amz-*, X-Goog-*, Signature, AWSAccessKeyId, GoogleAccessId, Expires), CloudFront (Policy,
 * Key-Pair-Id), Azure SAS (sig), Azure Functions (code), Akamai (hdnts, __token__), and any
 * token, key or session.
 */
const CREDENTIAL_PARAMETER = /sig|token|policy|credential|password|secret|auth|hdnts|api_?key|access_?key|accessid|key-pair-id|session|^x-amz-|^x-goog-|^expires$|^code$/i;

/**
 * The location without its credentials: the query parameters that sign or authorise it, and the
 * fragment. Other parameters stay, since some servers pick the file by them (`get?file=A`), so
 * two files never look like one. Local paths are returned unchanged.
 */
export function redactUrl(location: string): string {
  if (keepQuery) return location;
  const schemeEnd = location.indexOf('://');
  if (schemeEnd < 0 || location.startsWith('file://')) return location;
  const hash = location.indexOf('#');
  const withoutFragment = hash < 0 ? location : location.slice(0, hash);
  const questionMark = withoutFragment.indexOf('?');
  if (questionMark < 0) return withoutFragment;
  const kept = withoutFragment
    .slice(questionMark + 1)
    .split('&')
    .filter((pair) => pair !== '' && !CREDENTIAL_PARAMETER.test(parameterName(pair)));
  const base = withoutFragment.slice(0, questionMark);
  return kept.length === 0 ? base : `${base}?${kept.join('&')}`;
}

function parameterName(pair: string): string {
  const equals = pair.indexOf('=');
  const raw = equals < 0 ? pair : pair.slice(0, equals);
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/** Replaces every http(s) URL inside a free text (an error message, say) by its redacted form. */
export function redactUrlsInText(text: string): string {
  if (keepQuery) return text;
  return text.replace(/https?:\/\/[^\s"'<>]+/g, (url) => redactUrl(url));
}
