import { rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import path from 'node:path';
import type { CliIo } from '../io.js';
import { optionalCount } from '../count-option.js';
import { createByteProgress } from '../byte-progress.js';
import { EXIT_INTERRUPTED, NpiRatesError, usageError } from '../../shared/errors.js';
import { redactUrl, redactUrlsInText } from '../../shared/redact-url.js';
import { decodeLayers } from '../../sources/decode-layers.js';
import { openByteStream } from '../../sources/open-source.js';
import { formatUtcSeconds, signedUrlExpiry } from '../../sources/signed-url.js';
import { formatByteCount, MAX_CONNECTIONS } from '../../sources/source-options.js';
import { openOutputFile } from '../../writers/atomic-file.js';
import { refuseCompressedName } from '../../writers/output-format.js';
import { fileURLToPath } from 'node:url';

export interface DownloadFlags {
  output: string;
  connections?: string;
  retries?: string;
  stallTimeout?: string;
  userAgent?: string;
}

/** `in-network.json` for .../in-network.json.gz?sig=..., the name used when -o is a folder. */
export function decompressedFileName(location: string): string {
  const withoutQuery = redactUrl(location).replace(/\/+$/, '');
  const base = path.posix.basename(withoutQuery.replace(/\\/g, '/')) || 'download.json';
  const stripped = base.replace(/\.(gz|gzip|zip)$/i, '');
  return /\.json$/i.test(stripped) ? stripped : `${stripped}.json`;
}

async function resolveTarget(output: string, location: string): Promise<string> {
  const info = await stat(output).catch(() => undefined);
  if (info?.isDirectory()) return path.join(output, decompressedFileName(location));
  // `-o new-folder/` names a folder, not a file called new-folder.
  const folder = /[/\\]$/.test(output) ? path.resolve(output) : path.dirname(path.resolve(output));
  const parent = await stat(folder).catch(() => undefined);
  if (!parent?.isDirectory()) {
    throw usageError(
      'NPI_RATES_OUTPUT_UNWRITABLE',
      `cannot write ${output}: the folder ${folder} does not exist`,
      'create the folder first, or give -o an existing folder',
    );
  }
  return output;
}

/** Saving over the file being read would destroy it. */
function refuseSourceAsTarget(location: string, target: string): void {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location) && !location.startsWith('file://')) return;
  const source = location.startsWith('file://') ? fileURLToPath(location) : location;
  if (path.resolve(source) === path.resolve(target)) {
    throw usageError('NPI_RATES_BAD_OPTION', `-o ${target} is the file being downloaded: saving it would replace it`, 'choose another -o');
  }
}

async function copyChunks(chunks: AsyncIterable<Uint8Array>, out: NodeJS.WritableStream, signal: AbortSignal): Promise<number> {
  let bytes = 0;
  for await (const chunk of chunks) {
    if (signal.aborted) break;
    bytes += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  return bytes;
}

/**
 * Saves a file decompressed (gzip/zip peeled off), using the same resuming byte sources as
 * search. A local target is written under a temp name and renamed only when complete.
 */
export async function download(location: string, flags: DownloadFlags, io: CliIo): Promise<void> {
  const expiry = signedUrlExpiry(location);
  if (expiry && expiry.getTime() <= Date.now()) {
    io.err.write(`warning: this signed URL expired at ${formatUtcSeconds(expiry)}; the server will probably refuse it\n`);
  }
  const sourceName = redactUrl(location);
  const toStdout = flags.output === '-';
  const target = toStdout ? '-' : await resolveTarget(flags.output, location);
  if (!toStdout) {
    // The download is saved decompressed, so a compressed name would not match what is in it.
    refuseCompressedName(target);
    refuseSourceAsTarget(location, target);
  }
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt);
  const progress = createByteProgress(io, `downloading ${sourceName}`);
  const tempPath = `${target}.partial-${process.pid}`;
  // Opened before the download starts, so an output that cannot be written costs no request.
  const file = toStdout ? undefined : await openOutputFile(tempPath, target);

  try {
    const raw = await openByteStream(location, {
      signal: controller.signal,
      connections: optionalCount(flags.connections, '--connections', 1, MAX_CONNECTIONS),
      retries: optionalCount(flags.retries, '--retries', 0),
      stallTimeoutMs: flags.stallTimeout === undefined ? undefined : optionalCount(flags.stallTimeout, '--stall-timeout', 1)! * 1000,
      userAgent: flags.userAgent,
      onBytes: progress.onBytes,
      onNotice: (message) => progress.print(`note: ${redactUrlsInText(message)}`),
    });
    const decoded = decodeLayers(raw.chunks, sourceName, {
      onWarning: (message) => progress.print(`warning: ${redactUrlsInText(message)}`),
    });
    if (file === undefined) {
      await copyChunks(decoded, io.out, controller.signal);
    } else {
      // A failed read destroys the file stream mid-write; that late error must not crash the process,
      // the read error that caused it is the one reported.
      file.on('error', () => {});
      try {
        const bytes = await copyChunks(decoded, file, controller.signal);
        file.end();
        await finished(file);
        if (controller.signal.aborted) throw interrupted();
        await rename(tempPath, target);
        progress.done();
        io.err.write(`saved ${formatByteCount(bytes)} bytes (decompressed) to ${target}\n`);
      } finally {
        file.destroy();
        await rm(tempPath, { force: true });
      }
    }
  } catch (error) {
    throw controller.signal.aborted ? interrupted() : error;
  } finally {
    if (file !== undefined && !file.destroyed) {
      // The source could not be opened: nothing was written.
      file.destroy();
      await rm(tempPath, { force: true });
    }
    progress.done();
    process.removeListener('SIGINT', interrupt);
  }
}

function interrupted(): NpiRatesError {
  return new NpiRatesError('NPI_RATES_INTERRUPTED', 'download interrupted; nothing was saved', { exitCode: EXIT_INTERRUPTED });
}
