import { NpiRatesError } from '../shared/errors.js';
import { redactUrl } from '../shared/redact-url.js';
import type { ByteStream } from './byte-source.js';
import { headerValue, releaseBody, type HttpResponse } from './http-request.js';
import { openFirstResponse, readHttpRange, type HttpReadContext } from './http-range-reader.js';
import { readPartsInParallel } from './parallel-parts.js';
import { identityFromResponse, parseContentRange } from './remote-identity.js';
import type { ResolvedSourceOptions } from './source-options.js';

const DEFAULT_HTTP_CONNECTIONS = 4;

function isStatus(error: unknown, status: number): boolean {
  return error instanceof NpiRatesError && error.details.status === status;
}

/**
 * The first request asks for part 0 only when parallel reading is wanted: a 206 then proves
 * range support and tells the length in one round trip, and a 200 means one connection. An
 * empty file answers such a request with 416, so that case asks again without Range.
 */
async function requestFirstPart(context: HttpReadContext, connections: number): Promise<HttpResponse> {
  if (connections <= 1) return openFirstResponse(context, {});
  try {
    return await openFirstResponse(context, { range: `bytes=0-${context.options.partSizeBytes - 1}` });
  } catch (error) {
    if (!isStatus(error, 416)) throw error;
    return openFirstResponse(context, {});
  }
}

/**
 * Parallel parts, falling back to one fresh whole-file read when the file changed before any byte
 * was passed on (nothing to splice yet, so nothing is lost by starting over).
 */
async function* readParallelOrRestart(
  context: HttpReadContext,
  firstResponse: HttpResponse,
  totalBytes: number,
  connections: number,
): AsyncGenerator<Uint8Array> {
  let bytesPassedOn = 0;
  try {
    const plan = {
      totalBytes,
      connections,
      partSizeBytes: context.options.partSizeBytes,
      maxBufferedBytes: context.options.maxBufferedBytes,
    };
    for await (const chunk of readPartsInParallel(context, firstResponse, plan)) {
      bytesPassedOn += chunk.length;
      yield chunk;
    }
  } catch (error) {
    const changed = error instanceof NpiRatesError && error.code === 'NPI_RATES_SOURCE_CHANGED';
    if (!changed || bytesPassedOn > 0) throw error;
    context.options.onNotice?.(`${context.label}: the file changed on the server before any byte was passed on; reading it again from the start`);
    yield* readHttpRange(context, 0, undefined);
  }
}

/** An http(s) URL as a resumable byte stream; see SourceOptions for the knobs. */
export async function openHttpStream(url: string, options: ResolvedSourceOptions): Promise<ByteStream> {
  let bytesReceived = 0;
  const context: HttpReadContext = {
    url,
    label: redactUrl(url),
    options,
    identity: { acceptsRanges: false },
    countBytes: (byteCount) => {
      bytesReceived += byteCount;
      options.onBytes?.(bytesReceived);
    },
  };
  const connections = options.connections ?? DEFAULT_HTTP_CONNECTIONS;
  const first = await requestFirstPart(context, connections);
  context.identity = identityFromResponse(first);
  const totalBytes = context.identity.totalBytes;

  if (first.status === 200) {
    return { chunks: readHttpRange(context, 0, undefined, first), totalBytes };
  }
  const range = parseContentRange(headerValue(first, 'content-range'));
  if (range?.start !== 0) {
    releaseBody(first.body);
    throw new NpiRatesError(
      'NPI_RATES_BAD_CONTENT_RANGE',
      `${context.label}: asked for bytes from 0 but the server sent Content-Range "${headerValue(first, 'content-range') ?? '(none)'}"`,
      { hint: 'the server handles ranged requests wrongly; try --connections 1' },
    );
  }
  const partEnd = range.endInclusive + 1;
  if (totalBytes === undefined) {
    // Length unknown: no parallel plan is possible; read the rest on this one connection.
    return { chunks: chainRanges(context, first, partEnd), totalBytes };
  }
  if (partEnd >= totalBytes) {
    return { chunks: readHttpRange(context, 0, totalBytes, first), totalBytes };
  }
  return { chunks: readParallelOrRestart(context, first, totalBytes, connections), totalBytes };
}

async function* chainRanges(
  context: HttpReadContext,
  first: HttpResponse,
  firstPartEnd: number,
): AsyncGenerator<Uint8Array> {
  yield* readHttpRange(context, 0, firstPartEnd, first);
  yield* readHttpRange(context, firstPartEnd, undefined);
}
