import type { CommandRegistration } from './index.js';
import type { UrlsFlags } from '../actions/urls.js';

export const registerUrlsCommand: CommandRegistration = (program, io) => {
  program
    .command('urls')
    .alias('toc')
    .description('list the in-network rate files of a table-of-contents (index) file, each URL once')
    .requiredOption('--toc-url <source>', 'the index file: https://..., s3://bucket/key or a local path; gzip, zip or plain')
    .option('--plan-id <id>', 'only plans with this HIOS plan id or EIN (dashes ignored)')
    .option('--plan-name <regex>', 'only plans whose name matches this regular expression (letter case ignored)')
    .option('--market <type>', 'only plans of this market type: group or individual')
    .option('--allowed-amounts', 'list the allowed-amount (out-of-network) files instead')
    .option('--json', 'print a JSON array of { url, description, plans } instead of one URL per line')
    .option('-o, --output <file>', 'write the list to this file instead of standard output')
    .option('--user-agent <text>', 'User-Agent sent with HTTP requests')
    .action(async (flags: UrlsFlags) => {
      const { listUrls } = await import('../actions/urls.js');
      await listUrls(flags, io);
    });
};
