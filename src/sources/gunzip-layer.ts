import { once } from 'node:events';
import { createGunzip } from 'node:zlib';
import { NpiRatesError } from '../shared/errors.js';
import { formatByteCount, MIB } from './source-options.js';

/** zlib reports damage with these codes; anything else comes from the transport below. */
function zlibFailure(error: unknown): { code: string; message: string } | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' || !code.startsWith('Z_')) return undefined;
  return { code, message: (error as Error).message };
}

function badGzip(
  sourceName: string,
  layerName: string,
  failure: { code: string; message: string },
  compressedOffset: number,
  decompressedBytes: number,
  cause: unknown,
): NpiRatesError {
  const isTruncated = failure.code === 'Z_BUF_ERROR';
  const what = isTruncated
    ? `${layerName} data ends early (${failure.message})`
    : `corrupt ${layerName} data (${failure.message})`;
  const where = `${isTruncated ? 'at' : 'near'} compressed byte ${formatByteCount(compressedOffset)}, after ${formatByteCount(decompressedBytes)} decompressed bytes`;
  return new NpiRatesError('NPI_RATES_BAD_GZIP', `${sourceName}: ${what} ${where}; the file is incomplete`, {
    hint: isTruncated
      ? 'the download was cut short or the published file is truncated: download it again; if it ends at the same byte, report it to the publisher'
      : 'the file is damaged: download it again; if the error repeats at the same byte, report it to the publisher',
    cause,
    details: { compressedOffset, decompressedBytes, zlibCode: failure.code },
  });
}

/**
 * Gunzips a byte stream (several gzip members in a row are read as one). Inflation runs in
 * zlib's thread pool: a pump task writes the compressed chunks in with backpressure, and the
 * consumer pulls 1 MiB output chunks through async iteration, so while the main thread scans
 * one chunk zlib is already inflating the next few (the readable side holds at most ~4 MiB).
 * Errors from the transport below pass through unchanged; zlib's own become NPI_RATES_BAD_GZIP
 * with the compressed offset and the number of bytes produced so far.
 */
export async function* gunzipLayer(
  compressed: AsyncIterable<Uint8Array>,
  sourceName: string,
  layerName = 'gzip',
): AsyncGenerator<Uint8Array> {
  // zlib passes stream options through to its Transform; @types/node lists only zlib's own.
  const streamOptions = { readableHighWaterMark: 4 * MIB };
  const gunzip = createGunzip({ chunkSize: MIB, ...streamOptions });
  const stopPump = new AbortController();
  let compressedBytesFed = 0;

  const pump = async (): Promise<void> => {
    try {
      for await (const chunk of compressed) {
        if (stopPump.signal.aborted) return;
        compressedBytesFed += chunk.length;
        if (!gunzip.write(chunk)) await once(gunzip, 'drain', { signal: stopPump.signal });
      }
      gunzip.end();
    } catch (error) {
      if (!stopPump.signal.aborted) gunzip.destroy(error as Error);
    }
  };
  // Not awaited on exit: an upstream read may be waiting on the network; the abort ends it.
  void pump();

  let decompressedBytes = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      decompressedBytes += chunk.length;
      yield chunk;
    }
  } catch (error) {
    const failure = zlibFailure(error);
    if (!failure) throw error;
    // Truncation shows only at the end of the input; damage shows where zlib was reading.
    const offset = failure.code === 'Z_BUF_ERROR' ? compressedBytesFed : gunzip.bytesWritten;
    throw badGzip(sourceName, layerName, failure, offset, decompressedBytes, error);
  } finally {
    stopPump.abort();
    gunzip.destroy();
  }
}
