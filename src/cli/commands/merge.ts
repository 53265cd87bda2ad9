import type { CommandRegistration } from './index.js';
import type { MergeFlags } from '../actions/merge.js';

export const registerMergeCommand: CommandRegistration = (program, io, setExitCode) => {
  program
    .command('merge')
    .description('merge partial search outputs (files, folders or an s3:// prefix) into one search output')
    .argument('<locations...>', 'result files, folders of .json results, or s3://bucket/prefix/')
    .option('-o, --output <path>', 'output path, s3://bucket/key, or - for standard output (default: results_<date>_<time>.json)')
    .option('--region <region>', 'AWS region for s3:// locations (default: AWS_REGION, else us-east-1)')
    .action(async (locations: string[], flags: MergeFlags) => {
      const { mergeCommand } = await import('../actions/merge.js');
      setExitCode(await mergeCommand(locations, flags, io));
    });
};
