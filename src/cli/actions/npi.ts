import type { CliIo } from '../io.js';
import { EXIT_FILES_FAILED, EXIT_OK, usageError } from '../../shared/errors.js';
import { hasValidNpiCheckDigit } from '../../match/npi.js';
import { lookupNpis } from '../../nppes/nppes-client.js';
import { formatProviderDetails } from '../../nppes/format-provider.js';

export interface NpiFlags {
  json?: boolean;
  nppesUrl?: string;
}

function parseNpiArguments(values: string[], warn: (message: string) => void): number[] {
  const npis: number[] = [];
  for (const text of values.flatMap((value) => value.split(',')).map((part) => part.trim()).filter(Boolean)) {
    if (!/^\d{10}$/.test(text) || /^0+$/.test(text)) {
      throw usageError('NPI_RATES_BAD_NPI', `'${text}' is not an NPI: an NPI is exactly 10 digits, never all zeros`, 'to find a provider by name use search --provider-name');
    }
    if (!hasValidNpiCheckDigit(text)) warn(`NPI ${text} fails its check digit; asking the registry anyway`);
    if (!npis.includes(Number(text))) npis.push(Number(text));
  }
  return npis;
}

/** Prints what the NPI Registry knows about each NPI; returns the exit code (1 when one is unknown). */
export async function npiCommand(values: string[], flags: NpiFlags, io: CliIo): Promise<number> {
  const npis = parseNpiArguments(values, (message) => io.err.write(`warning: ${message}\n`));
  const records = await lookupNpis(npis, { baseUrl: flags.nppesUrl });
  const unknown = npis.filter((npi) => records.get(npi) === null);

  if (flags.json) {
    io.out.write(`${JSON.stringify(npis.map((npi) => records.get(npi) ?? null), null, 2)}\n`);
  } else {
    const blocks = npis.flatMap((npi) => {
      const record = records.get(npi);
      return record ? [formatProviderDetails(record)] : [];
    });
    if (blocks.length > 0) io.out.write(`${blocks.join('\n\n')}\n`);
  }
  for (const npi of unknown) io.err.write(`NPI ${npi} is not in the NPI Registry (never issued, or deactivated)\n`);
  return unknown.length > 0 ? EXIT_FILES_FAILED : EXIT_OK;
}
