import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchOutput } from '../../src/search/rate-row.js';
import { startFlakyServer, type FlakyServer, type Fault } from '../helpers/flaky-http-server.js';
import { sampleMrfJson } from '../helpers/gzip-fixtures.js';
import { runCli } from '../helpers/run-cli.js';
import { repoRoot } from '../helpers/shared-dir.js';

/**
 * The network misbehaves under a whole search: the rows of a faulty run must equal the rows of a
 * clean run. If resume spliced bytes wrongly, gunzip or the scanner would fail, or rows would
 * differ; if a retry were missing, the file would end in `errors`.
 */
const workDir = mkdtempSync(join(tmpdir(), 'npi-rates-faults-'));
const document = gzipSync(sampleMrfJson(3_000_000), { level: 1 });
let server: FlakyServer;
let cleanRows: string;

function rowsOf(path: string): string {
  const output = JSON.parse(readFileSync(path, 'utf8')) as SearchOutput;
  expect(output.errors).toEqual([]);
  return JSON.stringify(output.results.map(({ source_file: _source, ...row }) => row));
}

async function search(path: string, name: string, extra: string[] = []): Promise<{ code: number | null; stderr: string; output: string }> {
  const output = join(workDir, `${name}.json`);
  const run = await runCli([
    'search', '--npi', '1234567893', '--url', server.url(path), '-o', output, '--no-progress', '--no-lookup',
    '--connections', '1', ...extra,
  ]);
  return { code: run.code, stderr: run.stderr, output };
}

beforeAll(async () => {
  server = await startFlakyServer();
  server.serve('/clean.json.gz', { body: document });
  const run = await search('/clean.json.gz', 'clean');
  expect(run.code).toBe(0);
  cleanRows = rowsOf(run.output);
  expect(JSON.parse(cleanRows).length).toBe(1000);
});

afterAll(async () => {
  await server.close();
});

describe('search under network faults gives the rows of a clean run', () => {
  const third = Math.floor(document.length / 3);
  const cases: Array<{ name: string; faults: Fault[]; extra?: string[] }> = [
    { name: 'the connection drops twice mid-file', faults: [{ kind: 'drop-after', bytes: third }, { kind: 'drop-after', bytes: third }] },
    { name: 'the server answers 503 then 200', faults: [{ kind: 'status', status: 503 }, { kind: 'ok' }] },
    { name: 'the server answers 429 with Retry-After: 1', faults: [{ kind: 'status', status: 429, headers: { 'retry-after': '1' } }] },
    { name: 'the connection stalls', faults: [{ kind: 'stall-after', bytes: third }], extra: ['--stall-timeout', '1'] },
  ];
  for (const { name, faults, extra } of cases) {
    it(`when ${name}`, async () => {
      const path = `/faulty-${name.replace(/\W+/g, '-')}.json.gz`;
      server.serve(path, { body: document, faults: [...faults] });
      const run = await search(path, name.replace(/\W+/g, '-'), extra);
      expect(run.code).toBe(0);
      expect(rowsOf(run.output)).toBe(cleanRows);
      expect(server.requests.filter((request) => request.path === path).length).toBeGreaterThan(1);
    });
  }

  it('when 4 parallel ranged connections are used, one of them dropping', async () => {
    server.serve('/parallel.json.gz', { body: document, faults: [{ kind: 'ok' }, { kind: 'drop-after', bytes: 1000 }] });
    const run = await search('/parallel.json.gz', 'parallel', ['--connections', '4']);
    expect(run.code).toBe(0);
    expect(rowsOf(run.output)).toBe(cleanRows);
  });
});

describe('signed URLs', () => {
  it('never show their signature in the output, the logs or the journal', async () => {
    server.serve('/signed/rates.json.gz', { body: gzipSync(readFileSync(resolve(repoRoot, 'samples', 'in-network-sample.json.gz'))) });
    server.serve('/signed/missing.json.gz', { body: new Uint8Array(0), faults: [{ kind: 'status', status: 404 }] });
    const output = join(workDir, 'signed.json');
    const query = '?X-Amz-Credential=AKIDSECRET&X-Amz-Signature=SIGSECRET&sig=SASSECRET&Key-Pair-Id=KPSECRET';
    const run = await runCli([
      'search', '--npi', '1234567893', '--url', `${server.url('/signed/rates.json.gz')}${query}`,
      '--url', `${server.url('/signed/missing.json.gz')}${query}`, '-o', output, '--no-lookup',
    ]);
    expect(run.code).toBe(1);
    const journal = readFileSync(`${output}.journal.ndjson`, 'utf8');
    const written = readFileSync(output, 'utf8');
    for (const text of [run.stderr, run.stdout, journal, written]) {
      expect(text).not.toMatch(/SECRET/);
    }
    const result = JSON.parse(written) as SearchOutput;
    expect(result.results).toHaveLength(3);
    expect(result.results[0].source_file).toBe(server.url('/signed/rates.json.gz'));
    expect(result.errors[0].message).toContain(`HTTP 404 for ${server.url('/signed/missing.json.gz')}`);
  });
});

describe('Ctrl-C and SIGTERM (a Spot interruption)', () => {
  for (const [signal, exitCode] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`on ${signal} writes what was found so far, lists the unfinished file, and exits ${exitCode}`, async () => {
      server.serve('/slow.json.gz', { body: document, bytesPerSecond: 20_000 });
      const output = join(workDir, `interrupted-${signal}.json`);
      const child = spawn(process.execPath, [
        resolve(repoRoot, 'bin', 'npi-rates.js'), 'search', '--npi', '1234567893', '--workers', '2', '--no-lookup', '--no-progress',
        '--url', resolve(repoRoot, 'samples', 'in-network-sample.json.gz'), '--url', server.url('/slow.json.gz'), '-o', output,
      ]);
      let stderr = '';
      const exited = new Promise<number | null>((resolveExit) => child.on('close', resolveExit));
      await new Promise<void>((resolveDone) => {
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes('done samples/') || stderr.includes('in-network-sample.json.gz: 3 rates')) resolveDone();
        });
      });
      child.kill(signal);
      expect(await exited).toBe(exitCode);
      const result = JSON.parse(readFileSync(output, 'utf8')) as SearchOutput;
      expect(result.results.filter((row) => row.source_file.endsWith('in-network-sample.json.gz'))).toHaveLength(3);
      expect(result.errors.map((error) => [error.source_file, error.code])).toEqual([[server.url('/slow.json.gz'), 'NPI_RATES_INTERRUPTED']]);
      expect(existsSync(`${output}.journal.ndjson`)).toBe(true);
      expect(stderr).toContain('searched 1 file(s), 1 matched, ');
      expect(stderr).toContain('; 1 interrupted (their rows so far are included); results in ');
    });
  }

  it('names the files the run never reached as well as the one it was in', async () => {
    server.serve('/slow-2.json.gz', { body: document, bytesPerSecond: 20_000 });
    server.serve('/never.json.gz', { body: document });
    const output = join(workDir, 'interrupted-unreached.json');
    const child = spawn(process.execPath, [
      resolve(repoRoot, 'bin', 'npi-rates.js'), 'search', '--npi', '1234567893', '--workers', '1', '--no-lookup', '--no-progress',
      '--url', resolve(repoRoot, 'samples', 'in-network-sample.json.gz'), '--url', server.url('/slow-2.json.gz'), '--url', server.url('/never.json.gz'), '-o', output,
    ]);
    let stderr = '';
    const exited = new Promise<number | null>((resolveExit) => child.on('close', resolveExit));
    await new Promise<void>((resolveDone) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('searching http')) resolveDone();
      });
    });
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const result = JSON.parse(readFileSync(output, 'utf8')) as SearchOutput;
    expect(result.errors.map((error) => [error.source_file, error.message])).toEqual([
      [server.url('/slow-2.json.gz'), 'interrupted before the file was finished; the rows shown are partial (use --resume to search it again)'],
      [server.url('/never.json.gz'), 'not searched: the run was interrupted before this file began (use --resume to search it)'],
    ]);
    expect(stderr).toContain('; 1 interrupted (their rows so far are included); 1 not reached; results in ');
  });
});
