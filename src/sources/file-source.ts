import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { NpiRatesError } from '../shared/errors.js';
import type { ByteStream } from './byte-source.js';
import { MIB, type ResolvedSourceOptions } from './source-options.js';

function fileError(error: unknown, filePath: string): NpiRatesError {
  const code = (error as { code?: string }).code;
  const absolute = path.resolve(filePath);
  if (code === 'ENOENT') {
    return new NpiRatesError('NPI_RATES_FILE_NOT_FOUND', `no such file: ${filePath}`, {
      hint: `check the path; looked for ${absolute}`,
      cause: error,
    });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new NpiRatesError('NPI_RATES_FILE_UNREADABLE', `${filePath}: permission denied`, {
      hint: 'check the file permissions',
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new NpiRatesError('NPI_RATES_FILE_UNREADABLE', `${filePath}: cannot read (${message})`, { cause: error });
}

async function* readFileChunks(filePath: string, options: ResolvedSourceOptions): AsyncGenerator<Uint8Array> {
  // 1 MiB reads: fewer, larger chunks for gunzip and the scanner than the 64 KiB default.
  const stream = createReadStream(filePath, { highWaterMark: MIB, signal: options.signal });
  let bytesRead = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      options.onBytes?.(bytesRead);
      yield chunk;
    }
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw fileError(error, filePath);
  } finally {
    stream.destroy();
  }
}

/** A local file as a byte stream; a missing file or a directory fails here, before any reading. */
export async function openFileStream(filePath: string, options: ResolvedSourceOptions): Promise<ByteStream> {
  let stats;
  try {
    stats = await stat(filePath);
  } catch (error) {
    throw fileError(error, filePath);
  }
  if (!stats.isFile()) {
    const what = stats.isDirectory()
      ? 'a directory'
      : stats.isCharacterDevice() || stats.isBlockDevice()
        ? 'a device'
        : stats.isFIFO()
          ? 'a pipe (it can be read only once; save it to a file first)'
          : 'not a regular file';
    throw new NpiRatesError('NPI_RATES_NOT_A_FILE', `${filePath}: is ${what}, not a rate file`, {
      hint: 'give the path of an in-network rate file: .json, .json.gz or .zip',
    });
  }
  const readAgain = async function* (): AsyncGenerator<Uint8Array> {
    await checkUnchanged(filePath, stats);
    yield* readFileChunks(filePath, { ...options, onBytes: undefined });
  };
  return { chunks: readFileChunks(filePath, options), totalBytes: stats.size, readAgain };
}

/** A second read must see the bytes of the first: a file rewritten in between is refused. */
async function checkUnchanged(filePath: string, first: Stats): Promise<void> {
  let now: Stats;
  try {
    now = await stat(filePath);
  } catch (error) {
    throw fileError(error, filePath);
  }
  if (now.size !== first.size || now.mtimeMs !== first.mtimeMs) {
    throw new NpiRatesError('NPI_RATES_SOURCE_CHANGED', `${filePath} changed while it was being searched`, {
      hint: 'search it again once whatever writes it has finished',
    });
  }
}
