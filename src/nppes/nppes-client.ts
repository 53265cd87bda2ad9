import { request } from 'undici';
import { NpiRatesError, EXIT_USAGE } from '../shared/errors.js';
import type { NppesProvider, NppesResponse, ProviderQuery } from './nppes-types.js';

export const DEFAULT_NPPES_URL = 'https://npiregistry.cms.hhs.gov/api/';
export const NPPES_URL_ENV = 'NPI_RATES_NPPES_URL';
const API_VERSION = '2.1';
/** The registry refuses a limit above 200. */
const MAX_LIMIT = 200;
const DEFAULT_LIMIT = 50;

export interface NppesClientOptions {
  /** Registry endpoint. @default $NPI_RATES_NPPES_URL, else https://npiregistry.cms.hhs.gov/api/ */
  baseUrl?: string;
  signal?: AbortSignal;
  /** Per request, headers and body together. @default 15000 */
  timeoutMs?: number;
  userAgent?: string;
}

export function nppesBaseUrl(options: NppesClientOptions = {}): string {
  return options.baseUrl || process.env[NPPES_URL_ENV] || DEFAULT_NPPES_URL;
}

/** The registry's record for one NPI, or null when it has none (never issued, or deactivated). */
export async function lookupNpi(npi: number | string, options: NppesClientOptions = {}): Promise<NppesProvider | null> {
  const response = await queryRegistry({ number: String(npi) }, options);
  return response.results?.find((result) => String(result.number) === String(npi)) ?? null;
}

/** Looks several NPIs up, four at a time; the map holds null for NPIs the registry does not know. */
export async function lookupNpis(
  npis: readonly number[],
  options: NppesClientOptions = {},
): Promise<Map<number, NppesProvider | null>> {
  const found = new Map<number, NppesProvider | null>();
  const queue = [...npis];
  const worker = async () => {
    for (let npi = queue.shift(); npi !== undefined; npi = queue.shift()) found.set(npi, await lookupNpi(npi, options));
  };
  await Promise.all(Array.from({ length: Math.min(4, queue.length) }, worker));
  return new Map(npis.map((npi) => [npi, found.get(npi) ?? null]));
}

/** Providers matching a name/location query, in the registry's order (at most `query.limit`). */
export async function searchProviders(query: ProviderQuery, options: NppesClientOptions = {}): Promise<NppesProvider[]> {
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT);
  const parameters: Record<string, string | undefined> = {
    first_name: query.firstName,
    last_name: query.lastName,
    organization_name: query.organizationName,
    state: query.state?.toUpperCase(),
    city: query.city,
    postal_code: query.postalCode,
    taxonomy_description: query.taxonomyDescription,
    enumeration_type: query.enumerationType,
    limit: String(limit),
  };
  const response = await queryRegistry(parameters, options);
  return response.results ?? [];
}

async function queryRegistry(parameters: Record<string, string | undefined>, options: NppesClientOptions): Promise<NppesResponse> {
  const base = nppesBaseUrl(options);
  const url = buildQueryUrl(base, parameters);
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 15_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;

  let statusCode: number;
  let bodyText: string;
  try {
    const response = await request(url, {
      method: 'GET',
      headers: { accept: 'application/json', 'user-agent': options.userAgent ?? 'npi-rates' },
      signal,
    });
    statusCode = response.statusCode;
    bodyText = await response.body.text();
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new NpiRatesError('NPI_RATES_NPPES_UNREACHABLE', `the NPI Registry at ${base} could not be reached: ${reasonOf(error)}`, {
      hint: `check the network connection, or point ${NPPES_URL_ENV} at a reachable copy of the registry API`,
      cause: error,
    });
  }

  if (statusCode < 200 || statusCode > 299) {
    throw new NpiRatesError('NPI_RATES_NPPES_HTTP', `the NPI Registry at ${base} answered HTTP ${statusCode}`, {
      hint: 'the registry may be down for maintenance; try again later',
      details: { statusCode },
    });
  }
  const parsed = parseBody(bodyText, base);
  if (parsed.Errors && parsed.Errors.length > 0) {
    const reasons = parsed.Errors.map((entry) => entry.description ?? 'unknown reason').join('; ');
    throw new NpiRatesError('NPI_RATES_NPPES_QUERY', `the NPI Registry refused the query: ${reasons}`, {
      exitCode: EXIT_USAGE,
      hint: 'give a first and last name or an organization name; state alone is not enough for the registry',
    });
  }
  return parsed;
}

export function buildQueryUrl(base: string, parameters: Record<string, string | undefined>): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new NpiRatesError('NPI_RATES_NPPES_URL', `the NPI Registry address ${JSON.stringify(base)} is not a URL`, {
      exitCode: EXIT_USAGE,
      hint: `set ${NPPES_URL_ENV} to an http(s) URL such as ${DEFAULT_NPPES_URL}, or unset it`,
    });
  }
  url.searchParams.set('version', API_VERSION);
  for (const [name, value] of Object.entries(parameters)) {
    const trimmed = value?.trim();
    if (trimmed) url.searchParams.set(name, trimmed);
  }
  return url.toString();
}

function parseBody(text: string, base: string): NppesResponse {
  try {
    const parsed: unknown = JSON.parse(text);
    // Every registry answer, a match or none, carries results (or Errors); other JSON is another service's.
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && ('results' in parsed || 'result_count' in parsed || 'Errors' in parsed)) {
      return parsed as NppesResponse;
    }
  } catch {
    // fall through to the error below
  }
  throw new NpiRatesError('NPI_RATES_NPPES_BAD_RESPONSE', `the NPI Registry at ${base} answered with something that is not its JSON: ${JSON.stringify(text.slice(0, 80))}`, {
    hint: `check ${NPPES_URL_ENV}; it must point at the registry's /api/ endpoint`,
  });
}

function reasonOf(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer in time';
  const code = (error as { code?: string } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code} ${message}` : message;
}
