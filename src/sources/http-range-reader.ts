import { NpiRatesError } from '../shared/errors.js';
import { httpStatusError } from './http-errors.js';
import { headerValue, readBodySnippet, releaseBody, sendGet, type HttpResponse } from './http-request.js';
import {
  conditionalHeaders,
  describeVersionChange,
  identityFromResponse,
  isProvablySameVersion,
  parseContentRange,
  parseUnsatisfiedRangeLength,
  type RemoteIdentity,
} from './remote-identity.js';
import { isRetryableStatus, parseRetryAfterMs } from './retry-policy.js';
import { RetryableStatusError, RetryTracker } from './retry-tracker.js';
import { formatByteCount, type ResolvedSourceOptions } from './source-options.js';

/** One HTTP file as the readers share it: where, how, which version, and the byte counter. */
export interface HttpReadContext {
  url: string;
  /** The redacted URL (plus "part i/n" for parallel parts), for notices and errors. */
  label: string;
  options: ResolvedSourceOptions;
  /** The version being read; a whole-file reader may replace it before its first byte. */
  identity: RemoteIdentity;
  countBytes(byteCount: number): void;
}

/** Throws for any status but 200/206: a RetryableStatusError (5xx, 408, 429) or the final error. */
export async function throwUnlessSuccess(context: HttpReadContext, response: HttpResponse): Promise<void> {
  if (response.status === 200 || response.status === 206) return;
  const snippet = await readBodySnippet(response);
  const error = httpStatusError(response.status, { url: context.url, finalUrl: response.finalUrl }, snippet);
  if (!isRetryableStatus(response.status)) throw error;
  const retryAfterMs = parseRetryAfterMs(headerValue(response, 'retry-after'), Date.now());
  throw new RetryableStatusError(error, response.status, retryAfterMs);
}

/** The first answered request for a file, after retries; the caller learns size and validators from it. */
export async function openFirstResponse(
  context: HttpReadContext,
  headers: Record<string, string>,
): Promise<HttpResponse> {
  const tracker = new RetryTracker(context.options, context.label, 0);
  for (;;) {
    try {
      const response = await sendGet(context.url, headers, context.options);
      await throwUnlessSuccess(context, response);
      return response;
    } catch (error) {
      await tracker.afterFailure(error, 0, undefined);
    }
  }
}

function sourceChanged(context: HttpReadContext, position: number, reason: string): NpiRatesError {
  return new NpiRatesError(
    'NPI_RATES_SOURCE_CHANGED',
    `${context.label}: the file changed on the server after ${formatByteCount(position)} bytes had been read (${reason}); the two versions cannot be joined`,
    { hint: 'read this file again from the start (run the command again) to get the new version', details: { position } },
  );
}

function rangeIgnored(context: HttpReadContext, position: number): NpiRatesError {
  return new NpiRatesError(
    'NPI_RATES_RANGE_IGNORED',
    `${context.label}: the server ignored Range (answered 200 instead of 206) when resuming at byte ${formatByteCount(position)}, and gives no ETag or Last-Modified to prove the file is unchanged; the download cannot continue where it broke off`,
    { hint: 'read this file again from the start (run the command again); if the connection keeps dropping, save it with another tool that can restart a download, and give npi-rates the copy', details: { position } },
  );
}

type ResponsePlan = { kind: 'read'; skipBytes: number } | { kind: 'complete' };

/**
 * Decides what to do with the answer to a resumed request at `position`. The rules follow
 * RFC 9110: only a 206 whose Content-Range starts at the requested byte continues the stream; a
 * 200 is the whole file again, usable only by a whole-file reader and only when a validator
 * proves it is the same version (then the prefix already passed on is skipped, so the layers
 * above never see the seam).
 */
async function planResumedResponse(
  context: HttpReadContext,
  response: HttpResponse,
  position: number,
  isWholeFile: boolean,
): Promise<ResponsePlan> {
  if (response.status === 412) {
    releaseBody(response.body);
    throw sourceChanged(context, position, 'the server answered 412 to If-Match');
  }
  if (response.status === 416) {
    const total = parseUnsatisfiedRangeLength(headerValue(response, 'content-range')) ?? context.identity.totalBytes;
    // The connection broke after the last byte but before the end of the response was seen.
    if (total !== undefined && position >= total) {
      releaseBody(response.body);
      return { kind: 'complete' };
    }
  }
  await throwUnlessSuccess(context, response);

  const change = describeVersionChange(context.identity, response);
  if (change) throw sourceChanged(context, position, change);
  if (response.status === 206) {
    const range = parseContentRange(headerValue(response, 'content-range'));
    // A range that ends before it starts ("bytes 100-99/105") promises bytes the server will never
    // send: retrying it would only spend the retries.
    if (range?.start !== position || range.endInclusive < range.start) {
      throw new NpiRatesError(
        'NPI_RATES_BAD_CONTENT_RANGE',
        `${context.label}: asked for bytes from ${formatByteCount(position)} but the server sent Content-Range "${headerValue(response, 'content-range') ?? '(none)'}"`,
        { hint: 'the server handles ranged requests wrongly; try --connections 1', details: { position } },
      );
    }
    // A body longer or shorter than its range says holds other bytes than those asked for.
    const length = Number(headerValue(response, 'content-length') ?? Number.NaN);
    if (Number.isInteger(length) && length !== range.endInclusive - range.start + 1) {
      throw new NpiRatesError(
        'NPI_RATES_BAD_CONTENT_RANGE',
        `${context.label}: the server answered Content-Range "${headerValue(response, 'content-range')}" with a Content-Length of ${length}, ` +
          `not ${range.endInclusive - range.start + 1}; the bytes it sends cannot be placed`,
        { hint: 'the server handles ranged requests wrongly: run the command again with --connections 1', details: { position } },
      );
    }
    return { kind: 'read', skipBytes: 0 };
  }
  if (isWholeFile && isProvablySameVersion(context.identity, response)) {
    context.options.onNotice?.(
      `${context.label}: the server ignored Range; reading again from the start and skipping the ${formatByteCount(position)} bytes already passed on`,
    );
    return { kind: 'read', skipBytes: position };
  }
  throw rangeIgnored(context, position);
}

/**
 * The bytes [startByte, endByteExclusive) of a file (to its end when endByteExclusive is
 * undefined), resumed with `Range` after every drop, stall or retryable status, until the retry
 * policy gives up. `firstResponse`, when given, is an already checked 200/206 starting at
 * startByte. A whole-file reader (startByte 0, no end) that has passed on nothing yet requests
 * the file afresh without conditions, which adopts a version that changed before the first byte.
 */
export async function* readHttpRange(
  context: HttpReadContext,
  startByte: number,
  endByteExclusive: number | undefined,
  firstResponse?: HttpResponse,
): AsyncGenerator<Uint8Array> {
  const isWholeFile = startByte === 0 && endByteExclusive === undefined;
  const tracker = new RetryTracker(context.options, context.label, startByte);
  let position = startByte;
  let pending = firstResponse;

  for (;;) {
    let response: HttpResponse | undefined;
    try {
      let skipBytes = 0;
      if (pending) {
        response = pending;
        pending = undefined;
      } else if (isWholeFile && position === 0) {
        response = await sendGet(context.url, {}, context.options);
        await throwUnlessSuccess(context, response);
        adoptVersion(context, response);
      } else {
        const rangeEnd = endByteExclusive === undefined ? '' : String(endByteExclusive - 1);
        const headers = { range: `bytes=${position}-${rangeEnd}`, ...conditionalHeaders(context.identity) };
        response = await sendGet(context.url, headers, context.options);
        const plan = await planResumedResponse(context, response, position, isWholeFile);
        if (plan.kind === 'complete') return;
        skipBytes = plan.skipBytes;
      }

      const endByte = endByteExclusive ?? context.identity.totalBytes;
      for await (const chunk of response.body) {
        let data = chunk;
        if (skipBytes > 0) {
          if (data.length <= skipBytes) {
            skipBytes -= data.length;
            continue;
          }
          data = data.subarray(skipBytes);
          skipBytes = 0;
        }
        if (endByte !== undefined && position + data.length > endByte) {
          throw new NpiRatesError(
            'NPI_RATES_LENGTH_MISMATCH',
            `${context.label}: the server sent more than the ${formatByteCount(endByte)} bytes it announced`,
            { hint: 'the server is misbehaving; try --connections 1 or report it to the publisher', details: { position } },
          );
        }
        position += data.length;
        context.countBytes(data.length);
        yield data;
      }
      if ((endByte !== undefined && position < endByte) || skipBytes > 0) {
        throw Object.assign(new Error('response ended before the announced length'), { code: 'NPI_RATES_SHORT_BODY' });
      }
      return;
    } catch (error) {
      if (response) releaseBody(response.body);
      await tracker.afterFailure(error, position, context.identity.totalBytes);
    } finally {
      // Reached also when the consumer stops early: release the connection.
      if (response) releaseBody(response.body);
    }
  }
}

/** A fresh whole-file answer before any byte was passed on: its version becomes the one read. */
function adoptVersion(context: HttpReadContext, response: HttpResponse): void {
  const fresh = identityFromResponse(response);
  const change = describeVersionChange(context.identity, response);
  if (change) {
    context.options.onNotice?.(`${context.label}: the file changed on the server before any byte was read (${change}); reading the new version`);
  }
  context.identity = fresh;
}
