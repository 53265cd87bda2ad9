import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInflate } from 'node:zlib';
import { NpiRatesError } from '../shared/errors.js';
import { MIB } from './source-options.js';

/**
 * Inflates a zlib stream (RFC 1950: what `Content-Encoding: deflate` and some scripts' .zz files
 * hold). It is rare next to gzip, so it goes through zlib's plain stream, without the gzip
 * layer's care for bytes after the data. A transport failure below ends the output with that
 * failure, after everything the received bytes inflate to has been handed on.
 */
export async function* inflateLayer(compressed: AsyncIterable<Uint8Array>, sourceName: string): AsyncGenerator<Uint8Array> {
  const inflate = createInflate({ chunkSize: MIB });
  const pump = async (): Promise<void> => {
    try {
      for await (const chunk of compressed) {
        if (inflate.destroyed) return;
        if (!inflate.write(chunk)) await once(inflate, 'drain');
      }
      inflate.end();
    } catch (error) {
      if (inflate.destroyed) return;
      // Ending zlib here would call the received bytes truncated; instead they are inflated
      // (the empty write's callback comes after theirs), taken by the consumer, then the
      // transport's own error ends the stream. A rare path, so a short poll is enough.
      await new Promise((resolve) => inflate.write(Buffer.alloc(0), resolve));
      while (inflate.readableLength > 0 && !inflate.destroyed) await sleep(5);
      inflate.destroy(error as Error);
    }
  };
  void pump();
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
