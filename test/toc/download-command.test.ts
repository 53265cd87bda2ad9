import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMain } from '../helpers/capture-io.js';
import { decompressedFileName } from '../../src/cli/actions/download.js';
import { startFlakyServer } from '../helpers/flaky-http-server.js';
import type { FlakyServer } from '../helpers/flaky-http-server.js';
import { sampleMrfJson } from '../helpers/gzip-fixtures.js';

let server: FlakyServer;
beforeAll(async () => {
  server = await startFlakyServer();
});
afterAll(async () => {
  await server.close();
});

const run = runMain;

describe('npi-rates download', () => {
  it('saves the file decompressed after resuming a dropped connection, leaving no temp file', async () => {
    const json = sampleMrfJson(300_000);
    const gzipped = gzipSync(json);
    server.serve('/rates.json.gz', { body: gzipped, faults: [{ kind: 'drop-after', bytes: Math.floor(gzipped.length / 2) }] });
    const directory = mkdtempSync(path.join(os.tmpdir(), 'npi-rates-download-'));
    const target = path.join(directory, 'rates.json');

    const result = await run('download', server.url('/rates.json.gz?sig=secret'), '-o', target, '--connections', '1');
    expect(result.code).toBe(0);
    expect(readFileSync(target).equals(json)).toBe(true);
    expect(readdirSync(directory)).toEqual(['rates.json']);
    expect(result.err).toContain(`saved ${json.length.toLocaleString('en-US')} bytes (decompressed) to ${target}\n`);
    expect(result.err).not.toContain('secret');
    expect(server.requests.filter((request) => request.path === '/rates.json.gz').length).toBeGreaterThanOrEqual(2);
  });

  it('takes --stall-timeout and --retries, as search does', async () => {
    const json = sampleMrfJson(200_000);
    server.serve('/stalls.json', { body: json, faults: [{ kind: 'stall-after', bytes: 50_000 }] });
    const directory = mkdtempSync(path.join(os.tmpdir(), 'npi-rates-download-'));
    const target = path.join(directory, 'stalls.json');
    const result = await run('download', server.url('/stalls.json'), '-o', target, '--connections', '1', '--stall-timeout', '1', '--retries', '2');
    expect(result.code).toBe(0);
    expect(readFileSync(target).equals(json)).toBe(true);
    expect(result.err).toMatch(/no data for 1 s at byte 50,000/);
    const refused = await run('download', server.url('/stalls.json'), '-o', target, '--retries', 'many');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--retries "many" must be a whole number of at least 0');
  });

  it('names the file after the URL when -o is a folder', async () => {
    server.serve('/folder/plan-a.json.gz', { body: gzipSync('{"in_network":[]}') });
    const directory = mkdtempSync(path.join(os.tmpdir(), 'npi-rates-download-'));
    const result = await run('download', server.url('/folder/plan-a.json.gz'), '-o', directory);
    expect(result.code).toBe(0);
    expect(readFileSync(path.join(directory, 'plan-a.json'), 'utf8')).toBe('{"in_network":[]}');
  });

  it('leaves nothing behind when the server refuses the file', async () => {
    server.serve('/gone.json', { body: Buffer.from('{}'), faults: [{ kind: 'status', status: 404 }] });
    const directory = mkdtempSync(path.join(os.tmpdir(), 'npi-rates-download-'));
    const result = await run('download', server.url('/gone.json'), '-o', path.join(directory, 'gone.json'));
    expect(result.code).not.toBe(0);
    expect(result.err).toMatch(/^error: .*404/);
    expect(existsSync(path.join(directory, 'gone.json'))).toBe(false);
    expect(readdirSync(directory)).toEqual([]);
  });

  it('refuses to save over the file it reads, or under a compressed name, before reading anything (exit 2)', async () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'npi-rates-download-'));
    const source = path.join(directory, 'rates.json.gz');
    writeFileSync(source, gzipSync('{"in_network":[]}'));
    const over = await run('download', source, '-o', source);
    expect(over.code).toBe(2);
    expect(over.err).toContain(`error: -o ${source}: npi-rates writes its output uncompressed`);
    const plainSource = path.join(directory, 'rates.json');
    writeFileSync(plainSource, '{"in_network":[]}');
    const same = await run('download', plainSource, '-o', plainSource);
    expect(same.code).toBe(2);
    expect(same.err).toContain(`error: -o ${plainSource} is the file being downloaded: saving it would replace it`);
    const compressed = await run('download', source, '-o', path.join(directory, 'copy.json.gz'));
    expect(compressed.code).toBe(2);
    expect(readFileSync(source).equals(gzipSync('{"in_network":[]}'))).toBe(true);
    expect(readdirSync(directory).sort()).toEqual(['rates.json', 'rates.json.gz']);
  });

  it('derives a .json name from any URL', () => {
    expect(decompressedFileName('https://cdn.test/a/b/2024_in-network.json.gz?Expires=1&Signature=x')).toBe('2024_in-network.json');
    expect(decompressedFileName('s3://bucket/rates.zip')).toBe('rates.json');
    expect(decompressedFileName('https://cdn.test/')).toBe('cdn.test.json');
  });
});
