import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildQueryUrl, lookupNpi, lookupNpis, nppesBaseUrl, searchProviders } from '../../src/nppes/nppes-client.js';
import { describeSearchedNpis } from '../../src/nppes/describe-searched-npis.js';
import { startFakeNpiRegistry } from '../helpers/fake-npi-registry.js';
import type { FakeNpiRegistry } from '../helpers/fake-npi-registry.js';

let registry: FakeNpiRegistry;
beforeAll(async () => {
  registry = await startFakeNpiRegistry();
});
afterAll(async () => {
  await registry.close();
});

/** A port nothing listens on: start a server, note its port, stop it. */
async function closedRegistryUrl(): Promise<string> {
  const gone = await startFakeNpiRegistry();
  await gone.close();
  return gone.url;
}

describe('NPPES client', () => {
  it('looks an NPI up with version=2.1 and returns the registry record', async () => {
    const provider = await lookupNpi(1000000012, { baseUrl: registry.url });
    expect(provider?.basic?.last_name).toBe('DOE');
    expect(registry.requests.at(-1)?.toString()).toBe('version=2.1&number=1000000012');
  });

  it('returns null for an NPI the registry does not know', async () => {
    expect(await lookupNpi('1999999999', { baseUrl: registry.url })).toBeNull();
  });

  it('finds a record whose number is a JSON number', async () => {
    const records = await lookupNpis([1000000020, 1000000012, 1999999999], { baseUrl: registry.url });
    expect([...records.keys()]).toEqual([1000000020, 1000000012, 1999999999]);
    expect(records.get(1000000020)?.basic?.credential).toBe('DO');
    expect(records.get(1999999999)).toBeNull();
  });

  it('sends name, state, city, taxonomy and limit as the registry names them', async () => {
    const results = await searchProviders(
      { firstName: 'jane', lastName: 'doe', state: 'ny', city: 'New York', taxonomyDescription: 'internal', limit: 500 },
      { baseUrl: registry.url },
    );
    expect(results.map((provider) => String(provider.number))).toEqual(['1000000012']);
    expect(registry.requests.at(-1)?.toString()).toBe(
      'version=2.1&first_name=jane&last_name=doe&state=NY&city=New+York&taxonomy_description=internal&limit=200',
    );
  });

  it('reports a refused query with the registry own words and exit code 2', async () => {
    await expect(searchProviders({ state: 'NY' }, { baseUrl: registry.url })).rejects.toMatchObject({
      code: 'NPI_RATES_NPPES_QUERY',
      message: 'the NPI Registry refused the query: No valid search criteria provided',
      exitCode: 2,
    });
  });

  it('names the registry when it cannot be reached', async () => {
    const url = await closedRegistryUrl();
    await expect(lookupNpi(1000000012, { baseUrl: url })).rejects.toMatchObject({
      code: 'NPI_RATES_NPPES_UNREACHABLE',
      message: expect.stringMatching(new RegExp(`^the NPI Registry at ${url} could not be reached: .*ECONNREFUSED`)),
      hint: 'check the network connection, or point NPI_RATES_NPPES_URL at a reachable copy of the registry API',
    });
  });

  it('names the HTTP status of a registry outage page', async () => {
    const down = await startFakeNpiRegistry({ status: 503 });
    try {
      await expect(lookupNpi(1000000012, { baseUrl: down.url })).rejects.toMatchObject({
        code: 'NPI_RATES_NPPES_HTTP',
        message: `the NPI Registry at ${down.url} answered HTTP 503`,
      });
    } finally {
      await down.close();
    }
  });

  it('takes the base URL from the option, then NPI_RATES_NPPES_URL, then the public registry', () => {
    const saved = process.env.NPI_RATES_NPPES_URL;
    try {
      process.env.NPI_RATES_NPPES_URL = 'http://127.0.0.1:9/api/';
      expect(nppesBaseUrl({ baseUrl: 'http://127.0.0.1:8/x/' })).toBe('http://127.0.0.1:8/x/');
      expect(nppesBaseUrl()).toBe('http://127.0.0.1:9/api/');
      delete process.env.NPI_RATES_NPPES_URL;
      expect(nppesBaseUrl()).toBe('https://npiregistry.cms.hhs.gov/api/');
    } finally {
      if (saved === undefined) delete process.env.NPI_RATES_NPPES_URL;
      else process.env.NPI_RATES_NPPES_URL = saved;
    }
    expect(buildQueryUrl('https://npiregistry.cms.hhs.gov/api/', { number: '1000000012', city: ' ' })).toBe(
      'https://npiregistry.cms.hhs.gov/api/?version=2.1&number=1000000012',
    );
  });
});

describe('describeSearchedNpis', () => {
  it('gives one summary line per searched NPI, saying which the registry does not know', async () => {
    const description = await describeSearchedNpis([1000000012, 1999999999], { baseUrl: registry.url });
    expect(description.lines).toEqual([
      '1000000012  JANE A DOE (MD)  NPI-1  Internal Medicine  NEW YORK, NY',
      '1999999999  not in the NPI Registry (never issued, or deactivated)',
    ]);
    expect(description.providers).toEqual([
      { npi: 1000000012, name: 'JANE A DOE (MD)', type: 'NPI-1', specialty: 'Internal Medicine', city: 'NEW YORK', state: 'NY' },
    ]);
    expect(description.warning).toBeUndefined();
  });

  it('turns an unreachable registry into a warning instead of failing the search', async () => {
    const url = await closedRegistryUrl();
    const description = await describeSearchedNpis([1000000012], { baseUrl: url });
    expect(description.lines).toEqual([]);
    expect(description.warning).toMatch(new RegExp(`^provider names are not shown: the NPI Registry at ${url} could not be reached`));
  });
});
