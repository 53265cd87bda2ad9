/**
 * Time-limited links as CDNs and object stores sign them. Tables of contents hand these out and
 * they go stale while a long search runs, so a 403 on one should say so, and callers can warn
 * before a download starts.
 */

export interface SignedUrlExpiry {
  expiresAt: Date;
  /** The query parameters the date came from, as written in the URL ("Expires=1700000000"). */
  evidence: string;
}

/** `20231114T221320Z` (SigV4 X-Amz-Date) as epoch milliseconds. */
function parseAmzDate(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

function queryParameters(url: string): URLSearchParams | undefined {
  try {
    return new URL(url).searchParams;
  } catch {
    return undefined;
  }
}

/**
 * When a signed URL stops working, from CloudFront `Expires` (epoch seconds), S3 SigV4
 * `X-Amz-Date` + `X-Amz-Expires` (seconds), S3 SigV2 `Expires` or Azure SAS `se` (ISO date).
 */
export function signedUrlExpiryDetails(url: string): SignedUrlExpiry | undefined {
  const query = queryParameters(url);
  if (!query) return undefined;

  const expires = query.get('Expires');
  if (expires !== null && /^\d+$/.test(expires)) {
    return { expiresAt: new Date(Number(expires) * 1000), evidence: `Expires=${expires}` };
  }

  const amzDate = query.get('X-Amz-Date');
  const amzExpires = query.get('X-Amz-Expires');
  if (amzDate !== null && amzExpires !== null && /^\d+$/.test(amzExpires)) {
    const signedAt = parseAmzDate(amzDate);
    if (signedAt !== undefined) {
      return {
        expiresAt: new Date(signedAt + Number(amzExpires) * 1000),
        evidence: `X-Amz-Date=${amzDate}, X-Amz-Expires=${amzExpires}`,
      };
    }
  }

  const sasExpiry = query.get('se');
  if (sasExpiry !== null) {
    const expiresAt = Date.parse(sasExpiry);
    if (!Number.isNaN(expiresAt)) return { expiresAt: new Date(expiresAt), evidence: `se=${sasExpiry}` };
  }
  return undefined;
}

/** The moment a signed URL expires, or undefined for an unsigned (or unreadable) URL. */
export function signedUrlExpiry(url: string): Date | undefined {
  return signedUrlExpiryDetails(url)?.expiresAt;
}

/** `2023-11-14T22:13:20Z`: ISO 8601 without the milliseconds nobody signs with. */
export function formatUtcSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** How far our clock and the signer's may disagree; an expiry this close is reported as "may have". */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * The explanation added to an HTTP 401/403 for a signed URL, or undefined when the URL carries no
 * expiry. `nowMs` is a parameter so tests pin the clock.
 */
export function describeSignedUrlRefusal(url: string, nowMs: number): string | undefined {
  const expiry = signedUrlExpiryDetails(url);
  if (!expiry) return undefined;
  const when = formatUtcSeconds(expiry.expiresAt);
  const msLeft = expiry.expiresAt.getTime() - nowMs;
  if (msLeft <= 0) {
    return `signed URL expired (${expiry.evidence}, ${when}); re-fetch the table of contents for fresh links`;
  }
  if (msLeft < CLOCK_SKEW_MS) {
    return `signed URL may have expired (${expiry.evidence}, ${when}; clocks can differ by minutes); re-fetch the table of contents for fresh links`;
  }
  return (
    `access denied although the signed URL is valid until ${when} (${expiry.evidence}); ` +
    'the link may have been revoked or the server refuses this client; ' +
    're-fetch the table of contents for fresh links'
  );
}
