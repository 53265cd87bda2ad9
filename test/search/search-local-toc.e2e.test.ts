import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { SearchOutput } from '../../src/search/rate-row.js';
import { runCli } from '../helpers/run-cli.js';

const A = 1000000012;
const rates = (rate: number) =>
  JSON.stringify({
    provider_references: [{ provider_group_id: 1, provider_groups: [{ npi: [A], tin: { type: 'ein', value: '11-1000001' } }] }],
    in_network: [{ billing_code: '99213', negotiated_rates: [{ provider_references: [1], negotiated_prices: [{ negotiated_type: 'negotiated', negotiated_rate: rate }] }] }],
  });

describe('search --toc-url with an index on this machine', () => {
  it('reads relative and file:// locations, and ends incomplete (exit 1) naming the entries no source can read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'npi-rates-local-toc-'));
    mkdirSync(join(dir, 'rates'));
    writeFileSync(join(dir, 'rates', 'a.json.gz'), gzipSync(rates(10)));
    writeFileSync(join(dir, 'b.json'), rates(20));
    const toc = join(dir, 'index.json');
    writeFileSync(
      toc,
      JSON.stringify({
        reporting_entity_name: 'Local Payer',
        reporting_structure: [
          {
            reporting_plans: [{ plan_name: 'P', plan_id: '1', plan_id_type: 'ein', plan_market_type: 'group' }],
            in_network_files: [
              { location: 'rates/a.json.gz' },
              { location: pathToFileURL(join(dir, 'b.json')).href },
              { location: 'sftp://payer-host/c.json' },
            ],
          },
        ],
      }),
    );
    const output = join(dir, 'out.json');
    const run = await runCli(['search', '--npi', String(A), '--toc-url', toc, '-o', output, '--no-progress', '--no-lookup']);
    expect(run.stderr).toContain('2 in-network file(s) selected');
    expect(run.stderr).toContain('searched 2 file(s), 2 matched, 2 rates found');
    expect(run.stderr).toContain('; 1 index entry could not be searched');
    expect(run.code).toBe(1);
    const result = JSON.parse(readFileSync(output, 'utf8')) as SearchOutput;
    expect(result.results.map((row) => row.negotiated_rate).sort()).toEqual([10, 20]);
    expect(result.search_params.incomplete).toBe(true);
    expect(result.errors).toEqual([{ source_file: toc, message: "in-network file not searched: unsupported location scheme 'sftp' skipped" }]);
  });
});
