import type { CliIo } from '../io.js';
import { EXIT_FILES_FAILED, EXIT_OK } from '../../shared/errors.js';
import { freeDefaultName } from '../../merge/default-output-name.js';
import { mergeResultFiles } from '../../merge/merge-result-files.js';
import { saysIncomplete } from '../../merge/merge-search-outputs.js';
import { summarizeSearchOutput } from '../../merge/summarize.js';
import { writeSearchOutput } from '../../merge/write-search-output.js';
import { refuseCompressedName } from '../../writers/output-format.js';

export interface MergeFlags {
  output?: string;
  region?: string;
}

/** Merges partial search outputs into one; returns the exit code (1 when any file failed or the result is incomplete). */
export async function mergeCommand(locations: string[], flags: MergeFlags, io: CliIo): Promise<number> {
  // The default name never replaces a file (a search's results written the same second).
  const output = flags.output ?? (await freeDefaultName());
  refuseCompressedName(output);
  const { document, sourceNames } = await mergeResultFiles(locations, flags.region);
  await writeSearchOutput(document, output, io.out, flags.region);
  const where = output === '-' ? 'standard output' : output;
  io.err.write(`merged ${sourceNames.length} result files: ${summarizeSearchOutput(document)} -> ${where}\n`);
  if (document.search_params.incomplete === true && document.errors.length === 0) {
    // Say why, as search does: the warnings that made an input incomplete.
    const reasons = document.warnings.filter(saysIncomplete);
    for (const reason of reasons) io.err.write(`incomplete: ${reason.source_file ? `${reason.source_file}: ` : ''}${reason.message}\n`);
    if (reasons.length === 0) io.err.write('incomplete: an input was marked incomplete without saying why in its warnings\n');
  }
  // As search does: an incomplete result exits 1 even when no file failed outright.
  return document.errors.length > 0 || document.search_params.incomplete === true ? EXIT_FILES_FAILED : EXIT_OK;
}
