import { createInflate } from 'node:zlib';
import { Readable } from 'node:stream';
import { NpiRatesError } from '../shared/errors.js';
import { MIB } from './source-options.js';

/**
 * Inflates a zlib stream (RFC 1950: what `Content-Encoding: deflate` and some scripts' .zz files
 * hold). It is rare next to gzip, so it goes through zlib's plain stream, without the gzip
 * layer's care for bytes after the data.
 */
export async function* inflateLayer(compressed: AsyncIterable<Uint8Array>, sourceName: string): AsyncGenerator<Uint8Array> {
  const inflate = Readable.from(compressed, { objectMode: false }).pipe(createInflate({ chunkSize: MIB }));
  let produced = 0;
  try {
    for await (const chunk of inflate as AsyncIterable<Buffer>) {
      produced += chunk.length;
      yield chunk;
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('Z_')) throw error;
    const isTruncated = code === 'Z_BUF_ERROR';
    throw new NpiRatesError(
      'NPI_RATES_BAD_GZIP',
      `${sourceName}: ${isTruncated ? 'zlib data ends early' : 'corrupt zlib data'} (${(error as Error).message}) after ${produced} decompressed bytes; the file is incomplete`,
      { hint: 'download the file again; if the error repeats at the same place, report it to the publisher', cause: error },
    );
  } finally {
    inflate.destroy();
  }
}
