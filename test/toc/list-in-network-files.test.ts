import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listInNetworkFiles } from '../../src/toc/list-in-network-files.js';

const bug29 = readFileSync(new URL('../fixtures/toc/bug-29-toc-variants.json', import.meta.url));
const U1 = 'https://mrf.example.test/2024-05-01_ppo_in-network-rates_1_of_2.json.gz';
const U2 = 'https://mrf.example.test/2024-05-01_ppo_in-network-rates_2_of_2.json.gz';
const BUG_29_WARNINGS = ['in_network_files is an object, treated as a one-element array', "unsupported location scheme 'sftp' skipped"];

let baseUrl: string;
const server = createServer((request, response) => {
  if (request.url?.startsWith('/index.json.gz')) {
    response.writeHead(200, { 'content-type': 'application/gzip' });
    response.end(gzipSync(bug29));
    return;
  }
  response.writeHead(404);
  response.end('not here');
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('listInNetworkFiles', () => {
  it('streams a gzipped index over HTTP and gives BUG-29 its expected URLs and warnings', async () => {
    const listing = await listInNetworkFiles(`${baseUrl}/index.json.gz?token=secret`, { planId: '111000009' }, { retries: 0 });
    expect(listing.files.map((file) => file.url)).toEqual([U1, U2]);
    expect(listing.warnings).toEqual(BUG_29_WARNINGS);
  });

  it('reads a local plain or gzipped index by path', async () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'npi-rates-toc-'));
    writeFileSync(path.join(directory, 'index.json'), bug29);
    writeFileSync(path.join(directory, 'index.json.gz'), gzipSync(bug29));
    for (const name of ['index.json', 'index.json.gz']) {
      const listing = await listInNetworkFiles(path.join(directory, name), { planId: '11-1000009' });
      expect(listing.files.map((file) => file.url)).toEqual([U1, U2]);
    }
  });

  it('fails with the HTTP status when the index is not there', async () => {
    await expect(listInNetworkFiles(`${baseUrl}/missing.json`, {}, { retries: 0 })).rejects.toMatchObject({
      message: expect.stringContaining('404'),
    });
  });
});
