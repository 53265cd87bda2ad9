import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NppesProvider } from '../../src/nppes/nppes-types.js';

/**
 * A local stand-in for the NPPES NPI Registry API v2.1 (https://npiregistry.cms.hhs.gov/api/):
 * same query parameters, same response shape ({ result_count, results } or { Errors }), invented
 * providers. Name fields match whole values ignoring case, or by prefix with a trailing `*`,
 * like the registry; state and city are matched on the practice (LOCATION) address.
 */
export interface FakeNpiRegistry {
  /** Base URL to pass as `baseUrl` or NPI_RATES_NPPES_URL, e.g. http://127.0.0.1:41234/api/ */
  url: string;
  /** Query string of every request, in order. */
  requests: URLSearchParams[];
  close(): Promise<void>;
}

export interface FakeNpiRegistryOptions {
  providers?: NppesProvider[];
  /** Answer every request with this HTTP status and an HTML body, as the registry does during outages. */
  status?: number;
}

function address(purpose: 'LOCATION' | 'MAILING', street: string, city: string, state: string, postalCode: string) {
  return {
    country_code: 'US',
    country_name: 'United States',
    address_purpose: purpose,
    address_type: 'DOM',
    address_1: street,
    address_2: '',
    city,
    state,
    postal_code: postalCode,
    telephone_number: '555-010-0000',
  };
}

function taxonomy(code: string, desc: string, primary: boolean, state: string) {
  return { code, taxonomy_group: '', desc, state, license: 'TEST-0001', primary };
}

function person(first: string, middle: string, last: string, credential: string) {
  return {
    first_name: first,
    last_name: last,
    middle_name: middle,
    credential,
    sole_proprietor: 'NO',
    sex: 'F',
    enumeration_date: '2010-01-15',
    last_updated: '2023-06-01',
    status: 'A',
    name_prefix: '--',
    name_suffix: '--',
  };
}

/** Invented providers using the NPIs of the shared cases (A-D people, O1 an organization). */
export const FAKE_PROVIDERS: NppesProvider[] = [
  {
    number: '1000000012',
    enumeration_type: 'NPI-1',
    created_epoch: '1263513600000',
    last_updated_epoch: '1685577600000',
    basic: person('JANE', 'A', 'DOE', 'MD'),
    addresses: [
      address('MAILING', 'PO BOX 100', 'NEW YORK', 'NY', '100010100'),
      address('LOCATION', '100 MAIN ST', 'NEW YORK', 'NY', '100161234'),
    ],
    practiceLocations: [],
    taxonomies: [
      taxonomy('207RC0000X', 'Internal Medicine, Cardiovascular Disease', false, 'NY'),
      taxonomy('207R00000X', 'Internal Medicine', true, 'NY'),
    ],
    identifiers: [],
    endpoints: [],
    other_names: [],
  },
  {
    number: 1000000020,
    enumeration_type: 'NPI-1',
    basic: person('JANE', '', 'DOE', 'DO'),
    addresses: [address('LOCATION', '5 STATE ST', 'ALBANY', 'NY', '12207')],
    taxonomies: [taxonomy('207Q00000X', 'Family Medicine', true, 'NY')],
  },
  {
    number: '1000000038',
    enumeration_type: 'NPI-1',
    basic: person('JOHN', '', 'SMITH', 'M.D.'),
    addresses: [address('LOCATION', '1 HARBOR WAY', 'BOSTON', 'MA', '02110')],
    taxonomies: [taxonomy('207RC0000X', 'Internal Medicine, Cardiovascular Disease', true, 'MA')],
  },
  {
    number: '1000000046',
    enumeration_type: 'NPI-1',
    basic: person('JANE', 'B', 'DOE', 'NP'),
    addresses: [address('LOCATION', '9 CONGRESS AVE', 'AUSTIN', 'TX', '78701')],
    taxonomies: [taxonomy('363L00000X', 'Nurse Practitioner', true, 'TX')],
  },
  {
    number: '2000000010',
    enumeration_type: 'NPI-2',
    basic: {
      organization_name: 'DOE FAMILY CLINIC LLC',
      organizational_subpart: 'NO',
      enumeration_date: '2012-03-01',
      last_updated: '2022-02-02',
      status: 'A',
      authorized_official_first_name: 'JANE',
      authorized_official_last_name: 'DOE',
      authorized_official_title_or_position: 'OWNER',
    },
    addresses: [address('LOCATION', '200 MAIN ST', 'NEW YORK', 'NY', '10016')],
    taxonomies: [taxonomy('261QP2300X', 'Clinic/Center, Primary Care', true, 'NY')],
  },
];

const NAME_FIELDS = ['first_name', 'last_name'] as const;

function matchesName(actual: string | undefined, wanted: string): boolean {
  if (!actual) return false;
  const a = actual.toUpperCase();
  const w = wanted.toUpperCase();
  return w.endsWith('*') ? a.startsWith(w.slice(0, -1)) : a === w;
}

function matches(provider: NppesProvider, query: URLSearchParams): boolean {
  const basic = provider.basic ?? {};
  const location = provider.addresses?.find((entry) => entry.address_purpose === 'LOCATION');
  const number = query.get('number');
  if (number && String(provider.number) !== number) return false;
  for (const field of NAME_FIELDS) {
    const wanted = query.get(field);
    if (wanted && !matchesName(basic[field], wanted)) return false;
  }
  const organization = query.get('organization_name');
  if (organization && !matchesName(basic.organization_name, organization)) return false;
  const type = query.get('enumeration_type');
  if (type && provider.enumeration_type !== type) return false;
  const state = query.get('state');
  if (state && location?.state?.toUpperCase() !== state.toUpperCase()) return false;
  const city = query.get('city');
  if (city && location?.city?.toUpperCase() !== city.toUpperCase()) return false;
  const taxonomyWanted = query.get('taxonomy_description')?.toUpperCase();
  if (taxonomyWanted && !provider.taxonomies?.some((entry) => entry.desc?.toUpperCase().includes(taxonomyWanted))) return false;
  return true;
}

const CRITERIA = ['number', 'first_name', 'last_name', 'organization_name', 'taxonomy_description', 'city', 'postal_code'];

function answer(query: URLSearchParams, providers: NppesProvider[]): object {
  if (query.get('version') !== '2.1') {
    return { Errors: [{ description: 'Version is required and must be 2.1', field: 'version', number: '01' }] };
  }
  if (!CRITERIA.some((name) => query.get(name))) {
    return { Errors: [{ description: 'No valid search criteria provided', field: 'generic', number: '04' }] };
  }
  const limit = Number(query.get('limit') ?? 10);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
    return { Errors: [{ description: 'Field limit must be between 1 and 200', field: 'limit', number: '06' }] };
  }
  const results = providers.filter((provider) => matches(provider, query)).slice(0, limit);
  return { result_count: results.length, results };
}

export async function startFakeNpiRegistry(options: FakeNpiRegistryOptions = {}): Promise<FakeNpiRegistry> {
  const providers = options.providers ?? FAKE_PROVIDERS;
  const requests: URLSearchParams[] = [];
  const server = createServer((request, response) => {
    const query = new URL(request.url ?? '/', 'http://registry.test').searchParams;
    requests.push(query);
    if (options.status !== undefined) {
      response.writeHead(options.status, { 'content-type': 'text/html' });
      response.end('<html><body>Service Unavailable</body></html>');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer(query, providers)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
