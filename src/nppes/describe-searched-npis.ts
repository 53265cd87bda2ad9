import { describeError } from '../shared/errors.js';
import { lookupNpis } from './nppes-client.js';
import type { NppesClientOptions } from './nppes-client.js';
import { formatProvider, summarizeProvider } from './format-provider.js';
import type { ProviderSummary } from './nppes-types.js';

export interface SearchedNpisDescription {
  /** One per NPI the registry knows, in the order asked. */
  providers: ProviderSummary[];
  /** `formatProvider` lines for the search summary header, one per NPI (unknown ones say so). */
  lines: string[];
  /** Set when the registry could not be asked; the search goes on without names. */
  warning?: string;
}

/**
 * Who the searched NPIs are, for the header of a search summary. Never throws: a search must not
 * fail because the registry is down, so an unreachable registry becomes a warning.
 */
export async function describeSearchedNpis(
  npis: readonly number[],
  options: NppesClientOptions = {},
): Promise<SearchedNpisDescription> {
  if (npis.length === 0) return { providers: [], lines: [] };
  let records;
  try {
    records = await lookupNpis(npis, { timeoutMs: 10_000, ...options });
  } catch (error) {
    return { providers: [], lines: [], warning: `provider names are not shown: ${describeError(error)}` };
  }

  const providers: ProviderSummary[] = [];
  const lines: string[] = [];
  for (const npi of npis) {
    const record = records.get(npi);
    if (record) {
      providers.push(summarizeProvider(record));
      lines.push(formatProvider(record));
    } else {
      lines.push(`${npi}  not in the NPI Registry (never issued, or deactivated)`);
    }
  }
  return { providers, lines };
}
