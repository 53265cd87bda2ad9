import path from 'node:path';
import type { CliIo } from '../io.js';
import { createByteProgress } from '../byte-progress.js';
import { EXIT_USAGE, NpiRatesError, usageError } from '../../shared/errors.js';
import { redactUrlsInText } from '../../shared/redact-url.js';
import { formatByteCount } from '../../sources/source-options.js';
import { splitFile } from '../../split/split-file.js';

export interface SplitFlags {
  output: string;
  chunkMb: string;
}

const MIB = 1024 * 1024;

function parseChunkMegabytes(value: string): number {
  const megabytes = Number(value);
  if (!Number.isFinite(megabytes) || megabytes <= 0) {
    throw usageError('NPI_RATES_BAD_OPTION', `--chunk-mb '${value}' must be a positive number of megabytes (MiB)`, 'e.g. --chunk-mb 100');
  }
  return Math.max(1, Math.round(megabytes * MIB));
}

/** Splits one MRF into NDJSON files and header.json, then says what went where. */
export async function splitCommand(location: string, flags: SplitFlags, io: CliIo): Promise<void> {
  const chunkBytes = parseChunkMegabytes(flags.chunkMb);
  const progress = createByteProgress(io, 'splitting');
  let summary;
  try {
    summary = await splitFile(location, flags.output, {
      chunkBytes,
      onBytes: progress.onBytes,
      onNotice: (message) => progress.print(`note: ${redactUrlsInText(message)}`),
      onWarning: (message) => progress.print(`warning: ${redactUrlsInText(message)}`),
    });
  } catch (error) {
    // A usage error (the folder cannot be made, say) came before anything was split.
    if (!(error instanceof NpiRatesError && error.exitCode === EXIT_USAGE)) {
      progress.print(`note: ${flags.output} keeps the files split before the failure; they are not the whole file`);
    }
    throw error;
  } finally {
    progress.done();
  }
  if (summary.removedEarlierFiles > 0) {
    io.err.write(`note: removed ${summary.removedEarlierFiles} chunk file(s) an earlier split left in ${flags.output}\n`);
  }
  for (const array of summary.arrays) {
    const names = array.files.map((file) => path.basename(file));
    const where = names.length === 0 ? 'no file' : names.length === 1 ? names[0] : `${names[0]} ... ${names[names.length - 1]}`;
    io.err.write(`${array.key}: ${array.elements} elements -> ${where}\n`);
  }
  io.err.write(
    `${Object.keys(summary.header).length} top-level values -> ${path.basename(summary.headerFile)}; ` +
      `read ${formatByteCount(summary.bytesRead)} bytes (decompressed)\n`,
  );
}
