import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

/**
 * Keeps `npm run bench` from rotting: the smoke run generates tiny files of every variant, runs the
 * ceiling, the scanner and (when built) the search on each, checks every search's row count
 * against the generator's, and runs each peer parser once. No timing is asserted.
 */
describe('npm run bench -- --smoke', () => {
  it('measures every variant and finds exactly the rows the generator expects', async () => {
    const { stdout } = await run(process.execPath, ['bench/run-bench.js', '--smoke'], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    });
    for (const variant of ['refs-first', 'in-network-first', 'big-item', 'npi-strings', 'inline-groups', 'npi-5pct']) {
      expect(stdout).toContain(`| ${variant} | 2 |`);
    }
    expect(stdout).toContain('stream-json: parser + pick(in_network) + streamArray');
    expect(stdout).not.toContain('**');
    const last = JSON.parse(await readFile(join(root, 'bench', '.cache', 'last-results.json'), 'utf8'));
    for (const row of last.results) {
      for (const check of row.figures.rowChecks) expect(check.rows, `${row.variant} ${check.what}`).toBe(check.expected);
    }
  }, 180_000);
});
