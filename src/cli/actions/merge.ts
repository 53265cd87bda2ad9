import type { CliIo } from '../io.js';
import { EXIT_FILES_FAILED, EXIT_OK } from '../../shared/errors.js';
import { defaultResultsFileName } from '../../merge/default-output-name.js';
import { mergeResultFiles } from '../../merge/merge-result-files.js';
import { summarizeSearchOutput } from '../../merge/summarize.js';
import { writeSearchOutput } from '../../merge/write-search-output.js';
import { refuseCompressedName } from '../../writers/output-format.js';

export interface MergeFlags {
  output?: string;
  region?: string;
}

/** Merges partial search outputs into one; returns the exit code (1 when any file failed or the result is incomplete). */
export async function mergeCommand(locations: string[], flags: MergeFlags, io: CliIo): Promise<number> {
  const output = flags.output ?? defaultResultsFileName();
  refuseCompressedName(output);
  const { document, sourceNames } = await mergeResultFiles(locations, flags.region);
  await writeSearchOutput(document, output, io.out, flags.region);
  const where = output === '-' ? 'standard output' : output;
  io.err.write(`merged ${sourceNames.length} result files: ${summarizeSearchOutput(document)} -> ${where}\n`);
  // As search does: an incomplete result exits 1 even when no file failed outright.
  return document.errors.length > 0 || document.search_params.incomplete === true ? EXIT_FILES_FAILED : EXIT_OK;
}
