import { createInterface } from 'node:readline';
import { NpiRatesError, usageError } from '../shared/errors.js';
import { searchProviders } from './nppes-client.js';
import type { NppesClientOptions } from './nppes-client.js';
import { formatProvider } from './format-provider.js';
import type { NppesProvider, ProviderQuery } from './nppes-types.js';

/** `search --provider-name "Jane Doe" [--state NY] [--city ...] [--taxonomy ...]` */
export interface ProviderNameQuery {
  name: string;
  state?: string;
  city?: string;
  /** Matched against taxonomy descriptions ("cardio", "family medicine"). */
  taxonomy?: string;
}

export interface ResolveProviderOptions extends NppesClientOptions {
  /** 1-based positions in the match list, from --pick. */
  pick?: number[];
  /** True when a person can answer a prompt (stdin and stderr are terminals). */
  interactive: boolean;
  io: { stdin: NodeJS.ReadableStream; err: NodeJS.WritableStream };
  /** Matches asked for per registry query (people and organizations are asked separately). @default 50 */
  limit?: number;
}

/** Credentials people type after a name; dropped before the name goes to the registry. */
const CREDENTIALS = new Set([
  'MD', 'DO', 'NP', 'PA', 'PA-C', 'RN', 'DDS', 'DMD', 'PHD', 'DPM', 'OD', 'DC', 'PT', 'DPT', 'LCSW',
  'MBBS', 'FNP', 'FNP-C', 'APRN', 'CRNA', 'PSYD', 'JR', 'SR', 'II', 'III',
]);
const MAX_PROMPTS = 3;

function isCredential(word: string): boolean {
  return CREDENTIALS.has(word.replace(/\./g, '').toUpperCase());
}

/**
 * Splits a typed name into registry fields: "Doe, Jane", "Jane Doe", "Dr. Jane A. Doe MD" give
 * first Jane and last Doe; one word is a last name. Null when no person name can be read.
 */
export function parsePersonName(name: string): { firstName?: string; lastName: string } | null {
  let text = name.trim().replace(/^dr\.?\s+/i, '');
  let words = text.split(/\s+/);
  while (words.length > 1 && isCredential(words[words.length - 1].replace(/,$/, ''))) words = words.slice(0, -1);
  text = words.join(' ').replace(/,\s*$/, '');

  const comma = text.indexOf(',');
  if (comma >= 0) {
    const lastName = text.slice(0, comma).trim();
    const firstName = text.slice(comma + 1).trim().split(/\s+/)[0];
    return lastName ? { lastName, firstName: firstName || undefined } : null;
  }
  const parts = text.split(/\s+/).filter(Boolean);
  if (parts.length === 0) return null;
  if (parts.length === 1) return { lastName: parts[0] };
  return { firstName: parts[0], lastName: parts[parts.length - 1] };
}

/**
 * Asks the registry for people and organizations matching the name (organizations by prefix),
 * people first, each NPI once. Throws when the registry cannot be reached.
 */
export async function findProvidersByName(query: ProviderNameQuery, options: NppesClientOptions & { limit?: number } = {}): Promise<NppesProvider[]> {
  const shared: ProviderQuery = { state: query.state, city: query.city, taxonomyDescription: query.taxonomy, limit: options.limit };
  const person = parsePersonName(query.name);
  const organizationName = query.name.trim().endsWith('*') ? query.name.trim() : `${query.name.trim()}*`;

  const searches = [
    person ? searchProviders({ ...shared, ...person, enumerationType: 'NPI-1' }, options) : Promise.resolve([]),
    searchProviders({ ...shared, organizationName, enumerationType: 'NPI-2' }, options),
  ];
  const settled = await Promise.allSettled(searches);
  const failures = settled.filter((outcome) => outcome.status === 'rejected');
  // One refused query (the registry rejects some organization patterns) is fine when the other answered.
  if (failures.length === settled.length || failures.some((failure) => isUnreachable(failure.reason))) {
    throw failures[0].reason;
  }

  const seen = new Set<string>();
  const providers: NppesProvider[] = [];
  for (const outcome of settled) {
    if (outcome.status !== 'fulfilled') continue;
    for (const provider of outcome.value) {
      if (seen.has(String(provider.number))) continue;
      seen.add(String(provider.number));
      providers.push(provider);
    }
  }
  return providers;
}

function isUnreachable(error: unknown): boolean {
  return error instanceof NpiRatesError && error.code !== 'NPI_RATES_NPPES_QUERY';
}

/** "1,3" or ["1", "3 4"] as [1, 3, 4]; a usage error for anything but positive whole numbers. */
export function parsePickValues(values: readonly string[]): number[] {
  const picks: number[] = [];
  for (const value of values) {
    for (const part of value.split(/[\s,]+/).filter(Boolean)) {
      if (!/^\d+$/.test(part) || Number(part) < 1) {
        throw usageError('NPI_RATES_BAD_PICK', `--pick '${part}' is not a list position`, 'give the number shown before a provider, e.g. --pick 2 or --pick 1,3');
      }
      if (!picks.includes(Number(part))) picks.push(Number(part));
    }
  }
  return picks;
}

function numberedList(providers: NppesProvider[], limit: number | undefined): string {
  const lines = providers.map((provider, index) => `  ${index + 1}. ${formatProvider(provider)}`);
  if (providers.length >= (limit ?? 50)) {
    lines.push('  (the registry may know more; narrow the search with --state, --city or --taxonomy)');
  }
  return lines.join('\n');
}

function describeQuery(query: ProviderNameQuery): string {
  const where = [query.city, query.state].filter(Boolean).join(', ');
  const extras = [where && `in ${where}`, query.taxonomy && `taxonomy '${query.taxonomy}'`].filter(Boolean);
  return `'${query.name}'${extras.length > 0 ? ` (${extras.join(', ')})` : ''}`;
}

/**
 * Turns a provider name into the NPIs to search. With --pick the numbered positions are taken;
 * on a terminal the list is shown and the person picks; otherwise it refuses with the list,
 * since guessing which Dr. Smith was meant would give someone else's rates.
 */
export async function resolveProviderName(query: ProviderNameQuery, options: ResolveProviderOptions): Promise<number[]> {
  const providers = await findProvidersByName(query, options);
  if (providers.length === 0) {
    throw usageError(
      'NPI_RATES_NO_PROVIDER',
      `no provider in the NPI Registry matches ${describeQuery(query)}`,
      'check the spelling, drop --city or --taxonomy, or search by --npi',
    );
  }
  const list = numberedList(providers, options.limit);
  const chosen = (positions: number[]) => positions.map((position) => Number(providers[position - 1].number));

  if (options.pick && options.pick.length > 0) {
    const outOfRange = options.pick.filter((position) => !Number.isInteger(position) || position < 1 || position > providers.length);
    if (outOfRange.length > 0) {
      throw usageError(
        'NPI_RATES_BAD_PICK',
        `--pick ${outOfRange.join(',')} is not among the ${providers.length} matches for ${describeQuery(query)}:\n${list}`,
        `pick between 1 and ${providers.length}`,
      );
    }
    return chosen(options.pick);
  }

  if (!options.interactive) {
    throw usageError(
      'NPI_RATES_PICK_REQUIRED',
      `${describeQuery(query)} matches ${providers.length} provider${providers.length === 1 ? '' : 's'} in the NPI Registry; choose with --pick:\n${list}`,
      'rerun with --pick N, or --pick 1,3 for several',
    );
  }
  return chosen(await promptForPicks(list, providers.length, options.io));
}

async function promptForPicks(list: string, count: number, io: ResolveProviderOptions['io']): Promise<number[]> {
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  const answers = lines[Symbol.asyncIterator]();
  try {
    io.err.write(`Providers in the NPI Registry:\n${list}\n`);
    for (let attempt = 1; attempt <= MAX_PROMPTS; attempt += 1) {
      io.err.write(`Search which? Numbers between 1 and ${count} (e.g. 1 or 1,3), Enter to cancel: `);
      const next = await answers.next();
      const answer = next.done ? '' : String(next.value).trim();
      if (answer === '') break;
      try {
        const picks = parsePickValues([answer]);
        if (picks.length > 0 && picks.every((position) => position <= count)) return picks;
      } catch {
        // reported just below, then asked again
      }
      io.err.write(`'${answer}' is not a choice between 1 and ${count}\n`);
    }
  } finally {
    lines.close();
  }
  throw usageError('NPI_RATES_NO_PICK', 'no provider was chosen, so nothing was searched', 'rerun and pick a number, or pass --pick N');
}
