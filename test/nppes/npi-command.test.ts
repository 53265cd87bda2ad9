import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMain } from '../helpers/capture-io.js';
import { startFakeNpiRegistry } from '../helpers/fake-npi-registry.js';
import type { FakeNpiRegistry } from '../helpers/fake-npi-registry.js';

let registry: FakeNpiRegistry;
beforeAll(async () => {
  registry = await startFakeNpiRegistry();
});
afterAll(async () => {
  await registry.close();
});

const run = runMain;

describe('npi-rates npi', () => {
  it('prints each provider the registry knows', async () => {
    const result = await run('npi', '1000000020', '--nppes-url', registry.url);
    expect(result.code).toBe(0);
    expect(result.out).toBe(
      [
        '1000000020  JANE DOE (DO)',
        '  type:       NPI-1 (individual)',
        '  specialty:  Family Medicine (207Q00000X, primary, NY)',
        '  practice:   5 STATE ST, ALBANY, NY 12207, phone 555-010-0000',
        '  record:     active, enumerated 2010-01-15, updated 2023-06-01',
        '',
      ].join('\n'),
    );
  });

  it('takes the registry from NPI_RATES_NPPES_URL and exits 1 naming an unknown NPI', async () => {
    process.env.NPI_RATES_NPPES_URL = registry.url;
    try {
      const result = await run('npi', '1000000012,1999999992', '--json');
      expect(result.code).toBe(1);
      const records = JSON.parse(result.out) as ({ number: string } | null)[];
      expect(records.map((record) => record?.number ?? null)).toEqual(['1000000012', null]);
      expect(result.err).toBe('NPI 1999999992 is not in the NPI Registry (never issued, or deactivated)\n');
    } finally {
      delete process.env.NPI_RATES_NPPES_URL;
    }
  });

  it('fails with a clear error when the registry cannot be reached', async () => {
    const gone = await startFakeNpiRegistry();
    await gone.close();
    const result = await run('npi', '1000000012', '--nppes-url', gone.url);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(new RegExp(`^error: the NPI Registry at ${gone.url} could not be reached: .*ECONNREFUSED`));
  });

  it('fails, rather than saying "not in the registry", when the address answers JSON of another kind or is not a URL', async () => {
    const { createServer } = await import('node:http');
    const other = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"reporting_structure":[]}'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(other.address() as { port: number }).port}/toc.json`;
      const result = await run('npi', '1234567893', '--nppes-url', url);
      expect(result.code).toBe(1);
      expect(result.err).toContain(`error: the NPI Registry at ${url} answered with something that is not its JSON: "{\\"reporting_structure\\":[]}"`);
      expect(result.err).not.toContain('is not in the NPI Registry');
    } finally {
      other.close();
    }
    const notUrl = await run('npi', '1234567893', '--nppes-url', 'not-a-url');
    expect(notUrl.code).toBe(2);
    expect(notUrl.err).toContain('error: the NPI Registry address "not-a-url" is not a URL');
  });

  it('refuses something that is not ten digits, or all zeros, with exit code 2', async () => {
    const result = await run('npi', '12345', '--nppes-url', registry.url);
    expect(result.code).toBe(2);
    expect(result.err).toBe("error: '12345' is not an NPI: an NPI is exactly 10 digits, never all zeros (to find a provider by name use search --provider-name)\n");
    const zeros = await run('npi', '0000000000', '--nppes-url', registry.url);
    expect(zeros.code).toBe(2);
    expect(zeros.err).toContain("error: '0000000000' is not an NPI");
  });
});
