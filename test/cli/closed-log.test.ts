import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SearchOutput } from '../../src/search/rate-row.js';
import { repoRoot } from '../helpers/shared-dir.js';

describe('a log reader that went away', () => {
  it('does not end a search: the output is written and the exit code is 0 (as with `2>&1 | head -1`)', async () => {
    const output = join(mkdtempSync(join(tmpdir(), 'npi-rates-closed-log-')), 'rates.json');
    const sample = resolve(repoRoot, 'samples', 'in-network-sample.json.gz');
    const child = spawn(process.execPath, [resolve(repoRoot, 'bin', 'npi-rates.js'), 'search', '--npi', '1234567893', '--url', sample, '-o', output, '--no-progress', '--no-lookup'], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    // Read the first line of the log, then close the pipe, as `head -1` does.
    await new Promise<void>((done) => child.stderr.once('data', () => done()));
    child.stderr.destroy();
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code).toBe(0);
    expect((JSON.parse(readFileSync(output, 'utf8')) as SearchOutput).results).toHaveLength(3);
  });
});
