import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RateRow } from '../../src/search/rate-row.js';
import { scanBytes } from '../helpers/scan-bytes.js';
import { hasSharedDir, sharedDir, sharedSkipReason } from '../helpers/shared-dir.js';

/**
 * Every case from ../shared/cases that does not need a transport (those run over HTTP in
 * bug-cases-http.test.ts), scanned whole and in 7-byte chunks. Rows are compared on the fields
 * the expected file gives, rates with a 0.005 tolerance.
 */
const casesDir = resolve(sharedDir, 'cases');
const scannerCases = ['01', '04', '05', '06', '07', '08', '09', '10', '16', '17', '19', '21', '22', '24', '27'];

interface ExpectedCase {
  npis: number[];
  expected_results?: Array<Record<string, unknown>>;
  expected_error?: string;
  expected_warnings?: string[];
  remote_fixtures?: Record<string, string>;
  delivery?: Record<string, { status: number; body: string }>;
}

function readCase(id: string): { input: Uint8Array; expected: ExpectedCase } {
  return {
    input: readFileSync(resolve(casesDir, `BUG-${id}.json`)),
    expected: JSON.parse(readFileSync(resolve(casesDir, `BUG-${id}.expected.json`), 'utf8')) as ExpectedCase,
  };
}

/** A row reduced to the fields the expected row names. */
function project(row: RateRow, fields: string[]): Record<string, unknown> {
  const flat: Record<string, unknown> = { ...row, tin_value: row.tin.value };
  return Object.fromEntries(fields.map((field) => [field, flat[field]]));
}

function sortKey(row: Record<string, unknown>): string {
  return JSON.stringify(row);
}

function remoteFetcher(expected: ExpectedCase) {
  return async (url: string): Promise<unknown> => {
    const sidecar = expected.remote_fixtures?.[url];
    if (sidecar) return JSON.parse(readFileSync(resolve(casesDir, sidecar), 'utf8'));
    const failure = expected.delivery?.[url];
    if (failure) throw new Error(`HTTP ${failure.status}, body ${failure.body.slice(0, 40)}`);
    throw new Error(`unreachable ${url}`);
  };
}

describe.skipIf(!hasSharedDir)(`real-world bug cases, scanner level (${sharedSkipReason} when skipped)`, () => {
  for (const id of scannerCases) {
    for (const chunkSize of [7, 1 << 20]) {
      it(`BUG-${id} gives the expected rows when read in ${chunkSize}-byte chunks`, async () => {
        const { input, expected } = readCase(id);
        const fetchCounts = new Map<string, number>();
        const fetch = remoteFetcher(expected);
        const outcome = await scanBytes(
          input,
          { npis: expected.npis },
          {
            chunkSize,
            fetchRemote: (url) => {
              fetchCounts.set(url, (fetchCounts.get(url) ?? 0) + 1);
              return fetch(url);
            },
          },
        );
        const expectedRows = expected.expected_results ?? [];
        const fields = [...new Set(expectedRows.flatMap((row) => Object.keys(row)))];
        const actual = outcome.rows.map((row) => project(row, fields));
        expect(actual.length).toBe(expectedRows.length);
        const sortedActual = [...actual].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
        const sortedExpected = expectedRows
          .map((row) => Object.fromEntries(fields.map((field) => [field, row[field]])))
          .sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
        for (let i = 0; i < sortedExpected.length; i++) {
          const { negotiated_rate: expectedRate, ...expectedRest } = sortedExpected[i];
          const { negotiated_rate: actualRate, ...actualRest } = sortedActual[i];
          expect(actualRest).toEqual(expectedRest);
          expect(actualRate as number).toBeCloseTo(expectedRate as number, 2);
        }
        if (expected.expected_error && id === '17') {
          expect(outcome.error?.message).toContain('unexpected end of input while reading in_network');
        } else {
          expect(outcome.error).toBeUndefined();
        }
        for (const count of fetchCounts.values()) expect(count).toBe(1);
      });
    }
  }

  it('BUG-01 says in the log that in_network was read again after provider_references', async () => {
    const { input, expected } = readCase('01');
    const outcome = await scanBytes(input, { npis: expected.npis });
    expect(outcome.logs).toEqual([
      'test.json: in_network comes before provider_references; re-scanning in_network from a temporary copy of the compressed file',
    ]);
  });

  it('BUG-05 warns about the capitalised NPI key', async () => {
    const { input, expected } = readCase('05');
    const outcome = await scanBytes(input, { npis: expected.npis });
    expect(outcome.warnings).toContain('non-standard key NPI (expected npi)');
  });

  it('BUG-06 reaches the TIN-only contract through a TIN search, never through NPI 0', async () => {
    const { input } = readCase('06');
    const outcome = await scanBytes(input, { tins: ['11-1000003'] });
    expect(outcome.rows.map((row) => [row.npi, row.tin.value, row.negotiated_rate])).toEqual([[0, '11-1000003', 120]]);
  });

  it('BUG-07 warns about the three odd TIN shapes', async () => {
    const { input, expected } = readCase('07');
    const outcome = await scanBytes(input, { npis: expected.npis });
    expect(outcome.warnings).toEqual([
      'tin value "0" (type npi) is a placeholder, not a real TIN',
      'tin is a bare value "11-1000002" instead of {type, value}; reported as published',
      'provider group has no tin; reported with tin value null',
    ]);
  });

  it('BUG-09 flags the unfetchable remote group and the file as incomplete', async () => {
    const { input, expected } = readCase('09');
    const outcome = await scanBytes(input, { npis: expected.npis }, { fetchRemote: remoteFetcher(expected) });
    expect(outcome.warnings).toEqual([
      'provider_group_id 7: remote provider reference could not be fetched (HTTP 403, body <Error><Code>InvalidKey</Code><Message>U); results for this file are incomplete',
    ]);
    expect(outcome.result?.unresolvedGroupIds).toEqual(['7']);
  });

  it("BUG-10 warns that group 24's sftp location cannot be fetched", async () => {
    const { input, expected } = readCase('10');
    const outcome = await scanBytes(input, { npis: expected.npis }, { fetchRemote: remoteFetcher(expected) });
    expect(outcome.warnings).toEqual([
      "provider_group_id 24: unsupported location scheme 'sftp'; results for this file are incomplete",
    ]);
  });

  it('BUG-19 always gives service_code as an array and flags CSTM-00 as a wildcard', async () => {
    const { input, expected } = readCase('19');
    const outcome = await scanBytes(input, { npis: expected.npis });
    const byRate = outcome.rows
      .map((row) => [row.negotiated_rate, row.service_code, row.service_code_wildcard ?? false])
      .sort((a, b) => (a[0] as number) - (b[0] as number));
    expect(byRate).toEqual([
      [12, [], false],
      [14, ['11'], false],
      [15, ['CSTM-00'], true],
    ]);
  });
});
