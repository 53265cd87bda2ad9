import { headerValue, type HttpResponse } from './http-request.js';

/**
 * What tells one version of a remote file from another. Taken from the first response and
 * checked on every resumed or parallel request, so bytes of two versions are never spliced.
 */
export interface RemoteIdentity {
  /** Only a strong ETag can be compared byte-for-byte; `W/` tags are dropped. */
  strongEtag?: string;
  lastModified?: string;
  /** Full length of the file, from Content-Length (200) or Content-Range (206). */
  totalBytes?: number;
  /** The server said `Accept-Ranges: bytes` or answered a Range with 206. */
  acceptsRanges: boolean;
}

export interface ContentRange {
  start: number;
  endInclusive: number;
  /** Undefined for `*` (length unknown). */
  totalBytes?: number;
}

/** `bytes 100-199/1000` or `bytes 100-199/*`; undefined for anything else (including `bytes *\/1000`). */
export function parseContentRange(value: string | undefined): ContentRange | undefined {
  if (value === undefined) return undefined;
  const match = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(value.trim());
  if (!match) return undefined;
  return {
    start: Number(match[1]),
    endInclusive: Number(match[2]),
    totalBytes: match[3] === '*' ? undefined : Number(match[3]),
  };
}

/** The length in an unsatisfied-range answer, `bytes *\/1000`. */
export function parseUnsatisfiedRangeLength(value: string | undefined): number | undefined {
  const match = value === undefined ? null : /^bytes\s+\*\/(\d+)$/i.exec(value.trim());
  return match ? Number(match[1]) : undefined;
}

function strongEtagOf(response: HttpResponse): string | undefined {
  const etag = headerValue(response, 'etag');
  if (etag === undefined || etag.startsWith('W/')) return undefined;
  return etag;
}

export function identityFromResponse(response: HttpResponse): RemoteIdentity {
  const contentLength = headerValue(response, 'content-length');
  const range = response.status === 206 ? parseContentRange(headerValue(response, 'content-range')) : undefined;
  const totalBytes =
    response.status === 206 ? range?.totalBytes : contentLength === undefined ? undefined : Number(contentLength);
  return {
    strongEtag: strongEtagOf(response),
    lastModified: headerValue(response, 'last-modified'),
    totalBytes: Number.isFinite(totalBytes) ? totalBytes : undefined,
    acceptsRanges: response.status === 206 || headerValue(response, 'accept-ranges')?.toLowerCase() === 'bytes',
  };
}

/** If-Match with a strong ETag, else If-Unmodified-Since: the server answers 412 if the file changed. */
export function conditionalHeaders(identity: RemoteIdentity): Record<string, string> {
  if (identity.strongEtag) return { 'if-match': identity.strongEtag };
  if (identity.lastModified) return { 'if-unmodified-since': identity.lastModified };
  return {};
}

/**
 * What differs between the recorded version and a response, or undefined when nothing does.
 * Servers that ignore conditional headers are caught here; a header the response lacks is no
 * evidence either way.
 */
export function describeVersionChange(identity: RemoteIdentity, response: HttpResponse): string | undefined {
  const etag = strongEtagOf(response);
  if (identity.strongEtag && etag && etag !== identity.strongEtag) {
    return `ETag changed from ${identity.strongEtag} to ${etag}`;
  }
  const lastModified = headerValue(response, 'last-modified');
  if (identity.lastModified && lastModified && lastModified !== identity.lastModified) {
    return `Last-Modified changed from ${identity.lastModified} to ${lastModified}`;
  }
  const total = identityFromResponse(response).totalBytes;
  if (identity.totalBytes !== undefined && total !== undefined && total !== identity.totalBytes) {
    return `length changed from ${identity.totalBytes} to ${total} bytes`;
  }
  return undefined;
}

/** A 200 to a Range request is the same file only if a validator proves it. */
export function isProvablySameVersion(identity: RemoteIdentity, response: HttpResponse): boolean {
  if (describeVersionChange(identity, response) !== undefined) return false;
  if (identity.strongEtag) return strongEtagOf(response) === identity.strongEtag;
  return identity.lastModified !== undefined && headerValue(response, 'last-modified') === identity.lastModified;
}
