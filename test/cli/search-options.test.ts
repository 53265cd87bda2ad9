import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/capture-io.js';
import { runCli } from '../helpers/run-cli.js';
import { defaultResultsFileName } from '../../src/merge/default-output-name.js';
import { repoRoot } from '../helpers/shared-dir.js';

const sample = resolve(repoRoot, 'samples', 'in-network-sample.json.gz');

describe('search options that refine another one', () => {
  it('refuses them alone (exit 2) rather than running another search than the one asked for', async () => {
    const cases: Array<[string[], string]> = [
      [['--plan-id', '12-3456789'], '--plan-id works only with --toc-url'],
      [['--market', 'group'], '--market works only with --toc-url'],
      [['--pick', '1'], '--pick works only with --provider-name'],
      [['--state', 'NY'], '--state works only with --provider-name'],
    ];
    for (const [extra, message] of cases) {
      const result = await runMain('search', '--npi', '1234567893', '--url', sample, '-o', '-', '--no-progress', '--no-lookup', ...extra);
      expect(result.code, extra.join(' ')).toBe(2);
      expect(result.err).toContain(`error: ${message}`);
      expect(result.out).toBe('');
    }
  });
});

describe('locations no source could ever open', () => {
  it('are refused before anything is read (exit 2): a file:// URL of another host, an s3:// bucket without a key, sftp, a folder', async () => {
    const cases: Array<[string, string]> = [
      ['file://otherhost/tmp/x.json.gz', 'error: file://otherhost/tmp/x.json.gz is not a file on this machine (File URL host must be "localhost" or empty on linux)'],
      ['s3://mrf', 'error: s3://mrf names no object: an S3 file to search is s3://bucket/key'],
      ['s3://mrf/', 'error: s3://mrf/ names no object'],
      ['sftp://payer.test/a.json', 'error: unsupported scheme sftp: sftp://payer.test/a.json'],
      [resolve(repoRoot, 'samples'), `error: ${resolve(repoRoot, 'samples')} is a folder, not a file to search (give its files: --url '${resolve(repoRoot, 'samples', '*.json.gz')}'`],
    ];
    for (const [location, message] of cases) {
      const result = await runCli(['search', '--npi', '1234567893', '--url', sample, '--url', location, '-o', '-', '--no-progress', '--no-lookup']);
      expect(result.code, location).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toContain('searching');
      expect(result.stdout).toBe('');
    }
  });
});

describe('--code', () => {
  it('takes a comma list as --npi does', async () => {
    // The sample has one 99213 row and two 73721 rows for NPI 1234567893.
    const run = (codes: string[]) =>
      runCli(['search', '--npi', '1234567893', '--url', sample, ...codes.flatMap((code) => ['--code', code]), '-o', '-', '--format', 'ndjson', '--no-progress', '--no-lookup']);
    const codesOf = (stdout: string) => [...stdout.matchAll(/"billing_code":"(\d+)"/g)].map((match) => match[1]).sort();
    expect(codesOf((await run(['99213'])).stdout)).toEqual(['99213']);
    const listed = await run(['73721, 99213']);
    expect(listed.code).toBe(0);
    expect(codesOf(listed.stdout)).toEqual(['73721', '73721', '99213']);
    expect(codesOf((await run(['CPT:73721,', '99213'])).stdout)).toEqual(['73721', '73721', '99213']);
    // An empty one is refused rather than turning the filter off.
    for (const empty of ['', ',', ' ']) {
      const refused = await run([empty]);
      expect(refused.code, JSON.stringify(empty)).toBe(2);
      expect(refused.stderr).toContain(`error: --code ${JSON.stringify(empty)} names no billing code`);
    }
  });
});

describe('the default output name', () => {
  it('never replaces the results of an earlier run, even one started in the same second', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'npi-rates-default-name-'));
    // Earlier results under every default name of the next 20 seconds.
    const now = Date.now();
    const earlier = Array.from({ length: 20 }, (_, second) => defaultResultsFileName(new Date(now + second * 1000)));
    for (const name of earlier) writeFileSync(join(dir, name), 'earlier results');
    const run = await runCli(['search', '--npi', '1234567893', '--url', sample, '--no-progress', '--no-lookup'], { cwd: dir });
    expect(run.code).toBe(0);
    for (const name of earlier) expect(readFileSync(join(dir, name), 'utf8')).toBe('earlier results');
    const written = readdirSync(dir).filter((name) => !earlier.includes(name) && name.endsWith('.json'));
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^results_\d{8}_\d{6}-2\.json$/);
    expect((JSON.parse(readFileSync(join(dir, written[0]), 'utf8')) as { results: unknown[] }).results).toHaveLength(3);

    // merge's default name never replaces them either.
    const merged = await runCli(['merge', join(dir, written[0])], { cwd: dir });
    expect(merged.code, merged.stderr).toBe(0);
    for (const name of earlier) expect(readFileSync(join(dir, name), 'utf8')).toBe('earlier results');
    expect(merged.stderr).toMatch(/-> results_\d{8}_\d{6}-\d+\.json\n/);
  });

  it('follows --format: results_<time>.csv with --format csv, and no warning about the name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'npi-rates-default-name-'));
    const run = await runCli(['search', '--npi', '1234567893', '--url', sample, '--format', 'csv', '--no-progress', '--no-lookup'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const written = readdirSync(dir).filter((name) => name.startsWith('results_') && !name.includes('journal'));
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^results_\d{8}_\d{6}\.csv$/);
    expect(readFileSync(join(dir, written[0]), 'utf8').split('\r\n')[0]).toMatch(/^source_file,/);
    expect(run.stderr).not.toContain('whose name says');
  });
});
