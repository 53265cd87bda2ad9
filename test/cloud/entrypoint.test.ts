/**
 * docker/entrypoint.sh, run with a stub `npi-rates` first on PATH that prints each argument it
 * gets on its own line, so quoting mistakes (a split argument) show.
 */
import { execFile } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTRYPOINT, makeTemporaryDir, removeTemporaryDirs } from './cloud-run-env.js';

const run = promisify(execFile);
let stubDir: string;

beforeAll(async () => {
  stubDir = await makeTemporaryDir('entrypoint-stub-');
  const stub = path.join(stubDir, 'npi-rates');
  await writeFile(stub, '#!/bin/sh\nfor argument in "$@"; do printf \'<%s>\\n\' "$argument"; done\n');
  await chmod(stub, 0o755);
});

afterAll(removeTemporaryDirs);

async function entrypoint(args: string[], environment: Record<string, string> = {}): Promise<string[]> {
  const { stdout } = await run('sh', [ENTRYPOINT, ...args], {
    env: { PATH: `${stubDir}${path.delimiter}${process.env.PATH ?? ''}`, ...environment },
  });
  return stdout.trim().split('\n');
}

describe('docker/entrypoint.sh', () => {
  it('runs `npi-rates search` when given no arguments', async () => {
    expect(await entrypoint([])).toEqual(['<search>']);
  });

  it('passes its arguments through unchanged, spaces included', async () => {
    expect(await entrypoint(['search', '--npi', '1234567893', '--url', 'https://x/a b.json', '-o', '-'])).toEqual([
      '<search>', '<--npi>', '<1234567893>', '<--url>', '<https://x/a b.json>', '<-o>', '<->',
    ]);
    expect(await entrypoint(['--version'])).toEqual(['<--version>']);
  });

  it('adds --npi, --urls-file and -o from NPIS, URLS_S3_PATH and RESULTS_S3_PATH as cloud-run sets them', async () => {
    const args = await entrypoint(['search', '--workers', '2', '--no-progress'], {
      NPIS: '1234567893,1111111112',
      URLS_S3_PATH: 's3://runs/run-1/urls/chunk-3.txt',
      RESULTS_S3_PATH: 's3://runs/run-1/results/task-3.json',
    });
    expect(args).toEqual([
      '<search>', '<--workers>', '<2>', '<--no-progress>',
      '<--npi>', '<1234567893,1111111112>',
      '<--urls-file>', '<s3://runs/run-1/urls/chunk-3.txt>',
      '<-o>', '<s3://runs/run-1/results/task-3.json>',
    ]);
  });

  it('reads the URL list from URLS_S3_PATH even with no other variable set', async () => {
    expect(await entrypoint([], { URLS_S3_PATH: 's3://b/urls.txt' })).toEqual(['<search>', '<--urls-file>', '<s3://b/urls.txt>']);
  });
});
