/**
 * cloud-run with the real search: the fake ECS runs docker/entrypoint.sh -> `node bin/npi-rates.js
 * search` (the built dist/, as `npm test` builds it) for each chunk, the MRFs come from a local HTTP
 * server, S3 and CloudWatch Logs from moto. The merged output must equal a plain `search` of the
 * same files, also when one task is killed mid-download by a Spot interruption and retried.
 */
import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadRunState } from '../../src/cloud/run-state.js';
import type { SearchOutput } from '../../src/search/rate-row.js';
import type { FakeEcsServer } from '../helpers/fake-ecs-server.js';
import { runCli } from '../helpers/run-cli.js';
import { useMoto } from './aws-test-env.js';
import { captureIo } from '../helpers/capture-io.js';
import { BUCKET, chunkOf, REPO_ROOT, startFakeFargate, stopFakeFargate, writeUrlsFile, makeTemporaryDir, removeTemporaryDirs } from './cloud-run-env.js';
import { startMrfServer, type MrfServer } from './mrf-http-server.js';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'cloud');
const NAMES = ['mrf-1.json', 'mrf-2.json', 'mrf-3.json', 'mrf-4.json', 'mrf-5.json', 'mrf-6.json'];
const NPI = '1234567893';
// The registry lookup of search's summary fails fast here instead of waiting on DNS.
const NO_REGISTRY = { NPI_RATES_NPPES_URL: 'http://127.0.0.1:9/' };

let moto: Awaited<ReturnType<typeof useMoto>>;
let fake: FakeEcsServer | undefined;
let mrfs: MrfServer | undefined;
let binDir: string;

beforeAll(async () => {
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'cli', 'commands', 'search.js'))) {
    throw new Error('dist/ has no search command: run `npm run build` first (npm test does)');
  }
  moto = await useMoto();
  binDir = await makeTemporaryDir('npi-rates-bin-');
  await writeFile(path.join(binDir, 'npi-rates'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(REPO_ROOT, 'bin', 'npi-rates.js')}" "$@"\n`);
  await chmod(path.join(binDir, 'npi-rates'), 0o755);
  Object.assign(process.env, NO_REGISTRY);
});
afterAll(async () => {
  await removeTemporaryDirs();
  delete process.env.NPI_RATES_NPPES_URL;
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
});
afterEach(async () => {
  await stopFakeFargate(fake);
  await mrfs?.close();
  fake = undefined;
  mrfs = undefined;
});

async function plainSearch(urlsFile: string, dir: string): Promise<SearchOutput> {
  const output = path.join(dir, 'plain.json');
  const run = await runCli(['search', '--npi', NPI, '--urls-file', urlsFile, '--no-progress', '-o', output], { env: NO_REGISTRY });
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(await readFile(output, 'utf8')) as SearchOutput;
}

async function cloudRun(urlsFile: string, output: string) {
  const capture = captureIo();
  const exitCode = await main(
    ['node', 'npi-rates', 'cloud-run', '--s3-bucket', BUCKET, '--region', 'us-east-1', '--npi', NPI, '--urls-file', urlsFile,
      '--urls-per-task', '2', '--subnets', 'subnet-1', '--poll-seconds', '0.1', '-o', output],
    capture.io,
  );
  return { exitCode, stderr: capture.stderr() };
}

function sortedRows(document: SearchOutput): string[] {
  return document.results.map((row) => JSON.stringify(row)).sort();
}

function expectSameSearch(merged: SearchOutput, plain: SearchOutput) {
  expect(sortedRows(merged)).toEqual(sortedRows(plain));
  expect(merged.results).toHaveLength(11);
  const { duration_seconds: _mergedSeconds, ...mergedParams } = merged.search_params;
  const { duration_seconds: _plainSeconds, ...plainParams } = plain.search_params;
  expect(mergedParams).toEqual(plainParams);
  expect(mergedParams).toEqual({ npis: [1234567893], searched_files: 6, matched_files: 5 });
  expect(merged.errors).toEqual(plain.errors);
}

describe('cloud-run with the real search on a fake Fargate', () => {
  it('searches 3 chunks of HTTP-served files and merges exactly what a plain search finds', async () => {
    mrfs = await startMrfServer(FIXTURES, NAMES);
    fake = await startFakeFargate(binDir);
    const { dir, file } = await writeUrlsFile(mrfs.urls);

    const result = await cloudRun(file, path.join(dir, 'cloud.json'));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(fake.tasks.map((task) => [chunkOf(task), task.capacityProviderName, task.exitCode])).toEqual([
      [1, 'FARGATE_SPOT', 0], [2, 'FARGATE_SPOT', 0], [3, 'FARGATE_SPOT', 0],
    ]);
    const merged = JSON.parse(await readFile(path.join(dir, 'cloud.json'), 'utf8')) as SearchOutput;
    expectSameSearch(merged, await plainSearch(file, dir));
  });

  it('retries the task a Spot interruption kills mid-download, and nothing is lost', async () => {
    mrfs = await startMrfServer(FIXTURES, NAMES, 'mrf-4.json');
    fake = await startFakeFargate(binDir);
    const { dir, file } = await writeUrlsFile(mrfs.urls);

    const running = cloudRun(file, path.join(dir, 'cloud.json'));
    await mrfs.stalled;
    const victim = await fake.waitForTask((task) => chunkOf(task) === 2 && task.lastStatus === 'RUNNING');
    await fake.interrupt(victim.taskArn);
    const result = await running;
    expect(result.exitCode, result.stderr).toBe(0);

    expect(fake.tasks.filter((task) => chunkOf(task) === 2).map((task) => [task.capacityProviderName, task.stopCode])).toEqual([
      ['FARGATE_SPOT', 'SpotInterruption'],
      ['FARGATE_SPOT', 'EssentialContainerExited'],
    ]);
    expect(mrfs.requestCounts.get('mrf-4.json.gz')).toBe(2);
    const runId = /Run (run-[0-9a-f-]+):/.exec(result.stderr)?.[1] ?? '';
    const state = await loadRunState(BUCKET, runId, 'us-east-1');
    expect(state.chunks[1].attempts.map((attempt) => attempt.outcome)).toEqual(['interrupted', 'succeeded']);

    const merged = JSON.parse(await readFile(path.join(dir, 'cloud.json'), 'utf8')) as SearchOutput;
    expectSameSearch(merged, await plainSearch(file, dir));
  });
});
