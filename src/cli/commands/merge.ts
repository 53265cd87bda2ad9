import type { CommandRegistration } from './index.js';
import { EXIT_FILES_FAILED, EXIT_OK } from '../../shared/errors.js';
import { defaultResultsFileName } from '../../merge/default-output-name.js';
import { mergeResultFiles } from '../../merge/merge-result-files.js';
import { summarizeSearchOutput } from '../../merge/summarize.js';
import { writeSearchOutput } from '../../merge/write-search-output.js';

interface MergeOptions {
  output?: string;
  region?: string;
}

export const registerMergeCommand: CommandRegistration = (program, io, setExitCode) => {
  program
    .command('merge')
    .description('merge partial search outputs (files, folders or an s3:// prefix) into one search output')
    .argument('<locations...>', 'result files, folders of .json results, or s3://bucket/prefix/')
    .option('-o, --output <path>', 'output path, s3://bucket/key, or - for standard output (default: results_<date>_<time>.json)')
    .option('--region <region>', 'AWS region for s3:// locations (default: AWS_REGION, else us-east-1)')
    .action(async (locations: string[], options: MergeOptions) => {
      const { document, sourceNames } = await mergeResultFiles(locations, options.region);
      const output = options.output ?? defaultResultsFileName();
      await writeSearchOutput(document, output, io.out, options.region);
      const where = output === '-' ? 'standard output' : output;
      io.err.write(`merged ${sourceNames.length} result files: ${summarizeSearchOutput(document)} -> ${where}\n`);
      setExitCode(document.errors.length > 0 ? EXIT_FILES_FAILED : EXIT_OK);
    });
};
