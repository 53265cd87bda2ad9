import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchOutput } from '../../src/search/rate-row.js';
import { startFakeNpiRegistry, type FakeNpiRegistry } from '../helpers/fake-npi-registry.js';
import { runCli } from '../helpers/run-cli.js';

/** search --provider-name and the registry header, against a local stand-in for the NPPES API. */
const workDir = mkdtempSync(join(tmpdir(), 'npi-rates-lookup-'));
const hybridCase = join(workDir, 'hybrid.json');
let registry: FakeNpiRegistry;

beforeAll(async () => {
  registry = await startFakeNpiRegistry();
  // Rates for C (1000000038, "John Smith" in the fake registry) and A (1000000012).
  const document = {
    provider_references: [{ provider_group_id: 3, provider_groups: [{ npi: [1000000012], tin: { type: 'ein', value: '11-1000001' } }] }],
    in_network: [
      {
        billing_code: '99215',
        negotiated_rates: [
          { provider_references: [3], negotiated_prices: [{ negotiated_type: 'negotiated', negotiated_rate: 175 }] },
          { provider_groups: [{ npi: [1000000038], tin: { type: 'ein', value: '11-1000003' } }], negotiated_prices: [{ negotiated_type: 'negotiated', negotiated_rate: 181 }] },
        ],
      },
    ],
  };
  writeFileSync(hybridCase, JSON.stringify(document));
});

afterAll(async () => {
  await registry.close();
});

describe('search with the NPI Registry', () => {
  it('searches the NPI picked from a name lookup and names the provider in the summary', async () => {
    const output = join(workDir, 'picked.json');
    const run = await runCli(
      ['search', '--provider-name', 'John Smith', '--pick', '1', '--url', hybridCase, '-o', output, '--no-progress'],
      { env: { NPI_RATES_NPPES_URL: registry.url } },
    );
    expect(run.code).toBe(0);
    const result = JSON.parse(readFileSync(output, 'utf8')) as SearchOutput;
    expect(result.search_params.npis).toEqual([1000000038]);
    expect(result.results.map((row) => [row.npi, row.negotiated_rate])).toEqual([[1000000038, 181]]);
    expect(run.stderr).toMatch(/1000000038.*SMITH/);
  });

  it('refuses to guess between several matches without a terminal, listing them', async () => {
    const run = await runCli(['search', '--provider-name', 'Jane Doe', '--url', hybridCase, '-o', '-'], {
      env: { NPI_RATES_NPPES_URL: registry.url },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--pick');
    expect(run.stderr).toContain('1000000012');
    expect(run.stdout).toBe('');
  });

  it('goes on and says so when the registry cannot be reached', async () => {
    const output = join(workDir, 'offline.json');
    const run = await runCli(['search', '--npi', '1000000012', '--url', resolve(hybridCase), '-o', output, '--no-progress'], {
      env: { NPI_RATES_NPPES_URL: 'http://127.0.0.1:9/api/' },
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('note: provider names are not shown');
    expect((JSON.parse(readFileSync(output, 'utf8')) as SearchOutput).results).toHaveLength(1);
  });
});
