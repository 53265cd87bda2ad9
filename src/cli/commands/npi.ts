import type { CommandRegistration } from './index.js';
import type { NpiFlags } from '../actions/npi.js';

export const registerNpiCommand: CommandRegistration = (program, io, setExitCode) => {
  program
    .command('npi')
    .description('show what the NPPES NPI Registry knows about each NPI: name, type, specialties, addresses')
    .argument('<npis...>', 'one or more 10-digit NPIs (spaces or commas between them)')
    .option('--json', 'print the registry records as a JSON array (null for an unknown NPI)')
    .option('--nppes-url <url>', 'registry API endpoint (default: NPI_RATES_NPPES_URL, else https://npiregistry.cms.hhs.gov/api/)')
    .action(async (values: string[], flags: NpiFlags) => {
      const { npiCommand } = await import('../actions/npi.js');
      setExitCode(await npiCommand(values, flags, io));
    });
};
