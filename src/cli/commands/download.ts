import type { CommandRegistration } from './index.js';
import type { DownloadFlags } from '../actions/download.js';

export const registerDownloadCommand: CommandRegistration = (program, io) => {
  program
    .command('download')
    .description('save a rate or index file decompressed (gzip and zip removed), resuming after dropped connections')
    .argument('<source>', 'https://..., s3://bucket/key or a local path')
    .requiredOption('-o, --output <file>', 'where to save: a file, a folder (name taken from the URL), or - for standard output')
    .option('--connections <count>', 'parallel ranged HTTP connections for one file (default 4 when the server allows it)')
    .option('--retries <n>', 'reconnects without progress before the download fails (default 8)')
    .option('--stall-timeout <seconds>', 'reconnect when no byte arrives for this long (default 60)')
    .option('--user-agent <text>', 'User-Agent sent with HTTP requests')
    .action(async (location: string, flags: DownloadFlags) => {
      const { download } = await import('../actions/download.js');
      await download(location, flags, io);
    });
};
