import path from 'node:path';
import type { CommandRegistration } from './index.js';
import { createByteProgress } from '../byte-progress.js';
import { usageError } from '../../shared/errors.js';
import { redactUrlsInText } from '../../shared/redact-url.js';
import { formatByteCount } from '../../sources/source-options.js';
import { splitFile } from '../../split/split-file.js';

interface SplitFlags {
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

export const registerSplitCommand: CommandRegistration = (program, io) => {
  program
    .command('split')
    .description('write each top-level array of an MRF as NDJSON files (one element a line) and the other top-level values as header.json')
    .argument('<source>', 'a rate or index file: local path, https://... or s3://bucket/key; gzip, zip or plain')
    .requiredOption('-o, --output <dir>', 'folder for the files (created if missing)')
    .option('--chunk-mb <size>', 'start a new NDJSON file before one passes this many MiB', '100')
    .action(async (location: string, flags: SplitFlags) => {
      const chunkBytes = parseChunkMegabytes(flags.chunkMb);
      const progress = createByteProgress(io, 'splitting');
      let summary;
      try {
        summary = await splitFile(location, flags.output, {
          chunkBytes,
          onBytes: progress.onBytes,
          onNotice: (message) => io.err.write(`\nnote: ${redactUrlsInText(message)}\n`),
        });
      } finally {
        progress.done();
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
    });
};
