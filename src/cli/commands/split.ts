import type { CommandRegistration } from './index.js';
import type { SplitFlags } from '../actions/split.js';

export const registerSplitCommand: CommandRegistration = (program, io) => {
  program
    .command('split')
    .description('write each top-level array of an MRF as NDJSON files (one element a line) and the other top-level values as header.json')
    .argument('<source>', 'a rate or index file: local path, https://... or s3://bucket/key; gzip, zip or plain')
    .requiredOption('-o, --output <dir>', 'folder for the files (created if missing)')
    .option('--chunk-mb <size>', 'start a new NDJSON file before one passes this many MiB', '100')
    .action(async (location: string, flags: SplitFlags) => {
      const { splitCommand } = await import('../actions/split.js');
      await splitCommand(location, flags, io);
    });
};
