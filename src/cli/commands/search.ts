import type { CommandRegistration } from './index.js';
import type { SearchFlags } from '../actions/search.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export const registerSearchCommand: CommandRegistration = (program, io, setExitCode) => {
  program
    .command('search')
    .description('stream in-network rate files and write every negotiated rate for the given NPIs or TINs')
    .option('--npi <npis>', 'NPI to search for (repeatable, or comma-separated)', collect, [])
    .option('--tin <ein>', 'also find rates by TIN/EIN, including TIN-only contracts (repeatable)', collect, [])
    .option('--code <type:code>', 'keep only these billing codes, e.g. CPT:99213 or 99213,99214 (repeatable)', collect, [])
    .option('--codes-file <file>', 'billing codes to keep, one TYPE:CODE per line')
    .option('--url <location>', 'an MRF: http(s)://, s3://, file:// or a path (repeatable)', collect, [])
    .option('--urls-file <file>', "a list of MRF locations, one per line or a JSON array; '-' reads stdin; s3:// works")
    .option('--toc-url <location>', 'search the in-network files listed in a table-of-contents file')
    .option('--plan-id <id>', 'with --toc-url: only plans with this HIOS id or EIN')
    .option('--plan-name <regex>', 'with --toc-url: only plans whose name matches')
    .option('--market <type>', 'with --toc-url: group or individual')
    .option('--provider-name <name>', 'look the provider up in the NPI Registry by name and search their NPIs')
    .option('--state <code>', 'with --provider-name: two-letter state')
    .option('--city <name>', 'with --provider-name: city')
    .option('--taxonomy <text>', 'with --provider-name: specialty, e.g. cardiology')
    .option('--pick <n>', 'with --provider-name: which match(es) to search, 1-based (repeatable)', collect, [])
    .option('-o, --output <path>', "output file, '-' for stdout, or s3://bucket/key (default results_<YYYYMMDD_HHMMSS>.json)")
    .option('--format <format>', 'json, ndjson or csv (default: from the output extension, else json)')
    .option('--workers <n>', 'files searched at once, each in its own thread (default: CPU cores)')
    .option('--no-progress', 'no progress bars; one log line per file instead')
    .option('--resume', 'skip the files an earlier run with the same output already finished')
    .option('--connections <n>', 'parallel ranged connections per HTTP file (default 4)')
    .option('--retries <n>', 'reconnects without progress before a file fails (default 8)')
    .option('--stall-timeout <seconds>', 'reconnect when no byte arrives for this long (default 60)')
    .option('--user-agent <text>', 'User-Agent sent to servers')
    .option('--keep-url-query', 'show URLs with their query strings (signatures!) in logs and output')
    .option('--no-lookup', 'do not ask the NPI Registry who the searched NPIs are')
    .action(async (flags: SearchFlags) => {
      const { searchCommand } = await import('../actions/search.js');
      setExitCode(await searchCommand(flags, io));
    });
};

