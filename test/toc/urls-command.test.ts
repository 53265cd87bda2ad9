import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/capture-io.js';

function fixturePath(name: string): string {
  return new URL(`../fixtures/toc/${name}`, import.meta.url).pathname;
}

const run = runMain;

describe('npi-rates urls', () => {
  it('prints the BUG-29 URLs one per line and the warnings on stderr', async () => {
    const result = await run('urls', '--toc-url', fixturePath('bug-29-toc-variants.json'), '--plan-id', '111000009');
    expect(result.code).toBe(0);
    expect(result.out).toBe(
      'https://mrf.example.test/2024-05-01_ppo_in-network-rates_1_of_2.json.gz\n' +
        'https://mrf.example.test/2024-05-01_ppo_in-network-rates_2_of_2.json.gz\n',
    );
    expect(result.err).toBe(
      'warning: in_network_files is an object, treated as a one-element array\n' +
        "warning: unsupported location scheme 'sftp' skipped\n" +
        'listed 2 in-network files from 3 of 3 reporting structures\n',
    );
  });

  it('prints URLs with their plans and description as JSON', async () => {
    const result = await run('toc', '--toc-url', fixturePath('cms-v1.6-table-of-contents-sample.json'), '--market', 'group', '--json');
    expect(JSON.parse(result.out)).toEqual([
      {
        url: 'https://www.some_site.com/files/chip-in-network-file.json',
        description: 'in-network file',
        plans: [{ plan_name: 'chip', plan_id: '3333333333', plan_id_type: 'hios', plan_market_type: 'group' }],
      },
    ]);
  });

  it('writes the same text as JSON.stringify with two-space indent, file by file', async () => {
    const result = await run('urls', '--toc-url', fixturePath('cms-v2.1-table-of-contents-sample.json'), '--json');
    const files = JSON.parse(result.out) as unknown[];
    expect(files).toHaveLength(3);
    expect(result.out).toBe(`${JSON.stringify(files, null, 2)}\n`);
    const empty = await run('urls', '--toc-url', fixturePath('cms-v2.1-table-of-contents-sample.json'), '--json', '--plan-id', '1');
    expect(empty.out).toBe('[]\n');
  });

  it('lists the allowed-amount files and writes them to a file with -o', async () => {
    const output = path.join(mkdtempSync(path.join(os.tmpdir(), 'npi-rates-urls-')), 'allowed.txt');
    const result = await run(
      'urls', '--toc-url', fixturePath('cms-v2.1-table-of-contents-sample.json'), '--plan-name', 'MEDIC', '--allowed-amounts', '-o', output,
    );
    expect(result.out).toBe('');
    expect(readFileSync(output, 'utf8')).toBe('https://www.some_site.com/files/allowed-amount-file-987665.json\n');
    expect(result.err).toBe(`listed 1 allowed-amount files from 1 of 2 reporting structures -> ${output}\n`);
  });

  it('warns that a listed signed link has already expired (BUG-30)', async () => {
    const result = await run('urls', '--toc-url', fixturePath('bug-30-signed-url-toc.json'));
    expect(result.out).toBe(
      'https://d1example.cloudfront.test/mrf/2023-11_ppo.json.gz?Expires=1700000000&Signature=abc&Key-Pair-Id=K0EXAMPLE\n',
    );
    expect(result.err).toContain(
      'warning: 1 of 1 listed URLs are signed links that already expired (earliest 2023-11-14T22:13:20Z); ' +
        'fetch the table of contents again for fresh links\n',
    );
  });

  it('refuses a market type it does not know with exit code 2', async () => {
    const result = await run('urls', '--toc-url', fixturePath('bug-29-toc-variants.json'), '--market', 'medicare');
    expect(result.code).toBe(2);
    expect(result.err).toBe("error: --market 'medicare' is not a plan market type (use --market group or --market individual)\n");
  });
});
