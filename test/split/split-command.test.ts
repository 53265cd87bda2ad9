import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/capture-io.js';

const run = runMain;

describe('npi-rates split', () => {
  it('splits a gzipped file into NDJSON chunks and a header, and reports what it wrote', async () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'npi-rates-split-cli-'));
    const input = path.join(directory, 'rates.json.gz');
    const items = Array.from({ length: 4 }, (_, index) => `{"billing_code":"${index}"}`);
    writeFileSync(input, gzipSync(`{"version":"1.0.0","in_network":[${items.join(',')}]}`));
    const output = path.join(directory, 'parts');

    // 0.00003 MiB is 31 bytes: two 21-byte lines do not fit, so every element gets its own file.
    const result = await run('split', input, '-o', output, '--chunk-mb', '0.00003');
    expect(result.code).toBe(0);
    expect(readdirSync(output).sort()).toEqual([
      'header.json',
      'in_network.000.ndjson',
      'in_network.001.ndjson',
      'in_network.002.ndjson',
      'in_network.003.ndjson',
    ]);
    expect(readFileSync(path.join(output, 'in_network.003.ndjson'), 'utf8')).toBe('{"billing_code":"3"}\n');
    expect(result.err).toBe(
      'in_network: 4 elements -> in_network.000.ndjson ... in_network.003.ndjson\n' +
        '1 top-level values -> header.json; read 118 bytes (decompressed)\n',
    );

    // Split again into bigger chunks: the four files of the first split must not stay beside the one.
    writeFileSync(path.join(output, 'notes.txt'), 'mine');
    const again = await run('split', input, '-o', output);
    expect(again.code).toBe(0);
    expect(readdirSync(output).sort()).toEqual(['header.json', 'in_network.000.ndjson', 'notes.txt']);
    expect(readFileSync(path.join(output, 'in_network.000.ndjson'), 'utf8').trim().split('\n')).toHaveLength(4);
    expect(again.err).toContain(`note: removed 4 chunk file(s) an earlier split left in ${output}\n`);
  });

  it('refuses a chunk size that is not a positive number', async () => {
    const result = await run('split', 'x.json', '-o', 'out', '--chunk-mb', '-5');
    expect(result.code).toBe(2);
    expect(result.err).toBe("error: --chunk-mb '-5' must be a positive number of megabytes (MiB) (e.g. --chunk-mb 100)\n");
  });
});
