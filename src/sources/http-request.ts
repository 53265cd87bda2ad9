import { request, type Dispatcher } from 'undici';
import { NpiRatesError } from '../shared/errors.js';
import { redactUrl } from '../shared/redact-url.js';
import { downloadAgent } from './http-agent.js';
import type { ResolvedSourceOptions } from './source-options.js';

/** One answered GET after redirects: status, headers, the body still unread, and where it came from. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
  /** The URL that answered, after redirects. */
  finalUrl: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Closes a body we no longer want. undici reports a destroyed, unread body as an AbortError on
 * the stream, which would surface as an uncaught exception without a listener.
 */
export function releaseBody(body: HttpResponse['body']): void {
  if (body.destroyed) return;
  body.on('error', ignoreError);
  body.destroy();
}

function ignoreError(): void {}

export function headerValue(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * GET that follows redirects itself, so Range and If-Match go to every hop and the redirect
 * count is bounded. `Accept-Encoding: identity` asks servers not to compress on the fly (ranges of
 * a re-compressed body would not line up); whatever Content-Encoding still comes back is left
 * alone, because the layer above decides from the bytes.
 */
export async function sendGet(
  url: string,
  extraHeaders: Record<string, string>,
  options: ResolvedSourceOptions,
): Promise<HttpResponse> {
  let currentUrl = url;
  for (let hop = 0; ; hop++) {
    const response = await request(currentUrl, {
      method: 'GET',
      dispatcher: downloadAgent(),
      headers: { 'user-agent': options.userAgent, 'accept-encoding': 'identity', ...extraHeaders },
      signal: options.signal,
      headersTimeout: options.stallTimeoutMs,
      bodyTimeout: options.stallTimeoutMs,
    });
    const location = response.headers.location;
    if (!REDIRECT_STATUSES.has(response.statusCode) || typeof location !== 'string') {
      return { status: response.statusCode, headers: response.headers, body: response.body, finalUrl: currentUrl };
    }

    releaseBody(response.body);
    if (hop >= options.maxRedirects) {
      throw new NpiRatesError(
        'NPI_RATES_TOO_MANY_REDIRECTS',
        `${redactUrl(url)}: more than ${options.maxRedirects} redirects (last to ${redactUrl(currentUrl)})`,
        { hint: 'the server redirects in a loop; open the link in a browser to see where it leads' },
      );
    }
    const nextUrl = new URL(location, currentUrl);
    if (nextUrl.protocol !== 'http:' && nextUrl.protocol !== 'https:') {
      throw new NpiRatesError(
        'NPI_RATES_UNSUPPORTED_SCHEME',
        `${redactUrl(url)}: redirected to unsupported scheme ${nextUrl.protocol.replace(':', '')} (${redactUrl(nextUrl.href)})`,
      );
    }
    currentUrl = nextUrl.href;
  }
}

/** First bytes of an error body as one line (XML error codes, an HTML title...), then the body is dropped. */
export async function readBodySnippet(response: HttpResponse, maxBytes = 1024): Promise<string> {
  const pieces: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of response.body) {
      pieces.push(Buffer.from(chunk));
      length += chunk.length;
      if (length >= maxBytes) break;
    }
  } catch {
    // An error body that breaks off is still worth showing in part.
  } finally {
    releaseBody(response.body);
  }
  return Buffer.concat(pieces)
    .subarray(0, maxBytes)
    .toString('utf8')
    .replace(/\s+/g, ' ')
    .trim();
}
