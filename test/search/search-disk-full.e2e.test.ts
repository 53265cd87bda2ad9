import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleMrfJson } from '../helpers/gzip-fixtures.js';
import { runCli } from '../helpers/run-cli.js';

/** A full disk under the output or the journal: a clear error, exit 1, and no row lost that could be kept. */
const workDir = mkdtempSync(join(tmpdir(), 'npi-rates-disk-full-'));
const input = join(workDir, 'rates.json.gz');
// 1,000 rows of about 400 bytes: far more than the 64 KiB disk below.
writeFileSync(input, gzipSync(sampleMrfJson(300_000)));

/** A 64 KiB tmpfs, when this process may mount one (root on Linux); else undefined. */
function mountSmallDisk(): string | undefined {
  const mountPoint = join(workDir, 'small-disk');
  mkdirSync(mountPoint);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint], { stdio: 'ignore' });
    return mountPoint;
  } catch {
    return undefined;
  }
}
const smallDisk = mountSmallDisk();

afterAll(() => {
  if (smallDisk) execFileSync('umount', [smallDisk]);
  rmSync(workDir, { recursive: true, force: true });
});

describe('a full disk', () => {
  it('under the output: says so, exits 1, and keeps every row in the journal for --resume', async () => {
    const tempDir = join(workDir, 'temp-for-dev-full');
    mkdirSync(tempDir);
    const run = await runCli(['search', '--npi', '1234567893', '--url', input, '-o', '/dev/full', '--no-progress', '--no-lookup'], {
      env: { TMPDIR: tempDir },
    });
    expect(run.code).toBe(1);
    const [journal] = readdirSync(tempDir);
    expect(run.stderr).toContain(
      `error: cannot write the output /dev/full: the disk is full (every row found is in ${join(tempDir, journal)}: free space on that disk, ` +
        'then run the same command with --resume to write the output without searching again)',
    );
    const rows = readFileSync(join(tempDir, journal), 'utf8').split('\n').filter((line) => line.startsWith('{"source_file"'));
    expect(rows).toHaveLength(1000);
  });

  it.skipIf(smallDisk === undefined)('under the journal (needs a 64 KiB tmpfs: root on Linux): stops the search with a clear error, no crash', async () => {
    const output = join(smallDisk!, 'out.json');
    const run = await runCli(['search', '--npi', '1234567893', '--url', input, '-o', output, '--no-progress', '--no-lookup']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error: cannot write the results journal ${output}.journal.ndjson: the disk is full; the search was stopped`);
    expect(run.stderr).not.toContain('triggerUncaughtException');
    expect(existsSync(output)).toBe(false);
  });
});
