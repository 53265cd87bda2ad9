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
 * The location without its credentials: a user name and password before the host (even with
 * --keep-url-query: a password has no place in a results file), the query parameters that sign
 * or authorise it, and the fragment. Other parameters stay, since some servers pick the file by them (`get?file=A`), so
 * two files never look like one. Local paths are returned unchanged.
 */
export function redactUrl(written: string): string {
  return keepQuery ? withoutCredentials(written, false) : withoutCredentials(written, true);
}

/**
 * Which file a URL names, whatever signs it: links that differ only in their signature or token
 * (an index that lists one file twice, signed twice) are one file. Used to search each file once.
 */
export function unsignedUrl(written: string): string {
  return withoutCredentials(written, true);
}

function withoutCredentials(written: string, dropsSigningParameters: boolean): string {
  const schemeEnd = written.indexOf('://');
  if (schemeEnd < 0 || written.startsWith('file://')) return written;
  const location = withoutUserInfo(written, schemeEnd + 3);
  if (!dropsSigningParameters) return location;
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

/** `https://user:password@host/...` without `user:password@`. */
function withoutUserInfo(location: string, authorityStart: number): string {
  const authorityEnd = location.slice(authorityStart).search(/[/?#]/);
  const authority = authorityEnd < 0 ? location.slice(authorityStart) : location.slice(authorityStart, authorityStart + authorityEnd);
  const at = authority.lastIndexOf('@');
  return at < 0 ? location : location.slice(0, authorityStart) + location.slice(authorityStart + at + 1);
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
  return text.replace(/https?:\/\/[^\s"'<>]+/g, (url) => redactUrl(url));
}
