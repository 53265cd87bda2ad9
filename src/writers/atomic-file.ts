import { once } from 'node:events';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { usageError } from '../shared/errors.js';

/**
 * Writes a file under a temporary name and renames it, so an interrupted run never leaves half a
 * file under the real name. A write that fails while nothing waits on the stream (a full disk)
 * fails the whole write instead of crashing the process with an unhandled 'error' event.
 */
export async function writeFileAtomically(filePath: string, write: (out: NodeJS.WritableStream) => Promise<void>): Promise<void> {
  const tempPath = `${filePath}.partial-${process.pid}`;
  const file = await openOutputFile(tempPath, filePath);
  let failure: Error | undefined;
  file.on('error', (error) => (failure ??= error));
  try {
    await write(file);
    file.end();
    await once(file, 'close');
    if (failure) throw failure;
    await rename(tempPath, filePath);
  } catch (error) {
    file.destroy();
    await rm(tempPath, { force: true });
    throw error;
  }
}

/**
 * The temporary file an output is written to (`tempPath`, renamed to `outputPath` when complete),
 * opened: a write stream that failed to open never drains, so the failure is told here, before
 * anything is written, as a usage error naming the output.
 */
export async function openOutputFile(tempPath: string, outputPath: string): Promise<WriteStream> {
  const file = createWriteStream(tempPath);
  try {
    await once(file, 'open');
  } catch (error) {
    const folder = dirname(resolve(tempPath));
    const isFolderMissing = (error as NodeJS.ErrnoException).code === 'ENOENT' && !existsSync(folder);
    const reason = isFolderMissing ? `the folder ${folder} does not exist` : (error as Error).message;
    throw usageError('NPI_RATES_OUTPUT_UNWRITABLE', `cannot write ${outputPath}: ${reason}`, 'create the folder first, or choose another -o');
  }
  return file;
}
