import { NpiRatesError } from '../shared/errors.js';
import { redactUrl, redactUrlsInText } from '../shared/redact-url.js';
import { describeSignedUrlRefusal } from './signed-url.js';

/** Where a failed request went: the URL the user gave and, after redirects, the one that answered. */
export interface RequestedUrls {
  url: string;
  finalUrl: string;
}

function hintForStatus(status: number): string | undefined {
  if (status === 404 || status === 410) {
    return 'nothing is at this address (any more): check the URL; a link taken from a table of contents may be stale, so fetch the index again for current links';
  }
  if (status === 401 || status === 403) {
    return 'the server refused this client; if it blocks scripts, try another --user-agent';
  }
  return undefined;
}

/**
 * The error for an HTTP status that ends a download. The message is `HTTP <status> for <url>`,
 * plus why when a signed link is involved; `details` keep the status, the redacted URL and the
 * start of the error body (one line) for callers that show it, such as fetchSmallJson.
 */
export function httpStatusError(
  status: number,
  urls: RequestedUrls,
  bodySnippet: string,
  nowMs = Date.now(),
): NpiRatesError {
  const redirected = urls.finalUrl !== urls.url ? ` (redirected to ${redactUrl(urls.finalUrl)})` : '';
  const statusLine = `HTTP ${status} for ${redactUrl(urls.url)}${redirected}`;
  const refusal =
    status === 401 || status === 403
      ? (describeSignedUrlRefusal(urls.finalUrl, nowMs) ?? describeSignedUrlRefusal(urls.url, nowMs))
      : undefined;
  return new NpiRatesError('NPI_RATES_HTTP_STATUS', refusal ? `${statusLine}: ${refusal}` : statusLine, {
    hint: refusal ? undefined : hintForStatus(status),
    details: {
      status,
      url: redactUrl(urls.url),
      statusLine,
      signedUrlNote: refusal,
      bodySnippet: redactUrlsInText(bodySnippet),
    },
  });
}
