/**
 * `npm run build:binary` makes one executable (Node SEA) that runs without node_modules. Built into
 * a temporary folder and run from another one, with its own cache folder for the extracted worker.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './cloud-run-env.js';

const run = promisify(execFile);
let executable: string;
let outDir: string;
let cacheHome: string;
let workDir: string;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(os.tmpdir(), 'npi-rates-binary-'));
  await run('npm', ['run', 'build:binary', '--', '--out', outDir], { cwd: REPO_ROOT });
  executable = path.join(outDir, process.platform === 'win32' ? 'npi-rates.exe' : 'npi-rates');
  cacheHome = await mkdtemp(path.join(os.tmpdir(), 'npi-rates-cache-'));
  workDir = await mkdtemp(path.join(os.tmpdir(), 'npi-rates-cwd-'));
}, 180_000);

// The executable is a copy of node (about 100 MB): do not leave one behind per test run.
afterAll(async () => {
  for (const dir of [outDir, cacheHome, workDir]) if (dir) await rm(dir, { recursive: true, force: true });
});

function runBinary(...args: string[]) {
  return run(executable, args, { cwd: workDir, env: { ...process.env, XDG_CACHE_HOME: cacheHome } });
}

describe('the single-file executable', () => {
  it('prints the package version with --version', async () => {
    const { version } = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const { stdout, stderr } = await runBinary('--version');
    expect(`${stdout}${stderr}`.trim()).toBe(version);
  });

  it('lists every command with --help', async () => {
    const { stdout, stderr } = await runBinary('--help');
    for (const command of ['search', 'merge', 'cloud-setup', 'cloud-run', 'cloud-stop', 'cloud-teardown']) {
      expect(`${stdout}${stderr}`).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  it('searches a file in a worker thread, with the worker extracted to the cache folder', async () => {
    const sample = path.join(REPO_ROOT, 'samples', 'in-network-sample.json.gz');
    const { stdout } = await runBinary('search', '--npi', '1234567893', '--url', sample, '--no-progress', '-o', '-');
    const output = JSON.parse(stdout) as { search_params: { searched_files: number }; results: unknown[] };
    expect(output.search_params.searched_files).toBe(1);
    expect(output.results.length).toBeGreaterThan(0);
    const [cacheEntry] = await readdir(path.join(cacheHome, 'npi-rates'));
    expect(await readdir(path.join(cacheHome, 'npi-rates', cacheEntry, 'dist', 'bundle'))).toEqual(['file-worker.js']);
  });
});
