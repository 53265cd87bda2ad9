import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/capture-io.js';
import { repoRoot } from '../helpers/shared-dir.js';

/** Output paths that cannot work are refused with a sentence and exit 2, never a raw system error. */
const dir = mkdtempSync(join(tmpdir(), 'npi-rates-out-'));
const sample = resolve(repoRoot, 'samples', 'in-network-sample.json.gz');

describe('unusable output paths', () => {
  it('split refuses an -o that is a file', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const result = await runMain('split', sample, '-o', file);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`cannot create the output folder ${file}: a file is in the way`);
  });

  it.skipIf(!existsSync('/proc/self'))('split refuses an -o under /proc (Linux) at once, where Node\'s recursive mkdir never returns, and says nothing was split', async () => {
    const result = await runMain('split', sample, '-o', '/proc/npi-rates-split');
    expect(result.code).toBe(2);
    expect(result.err).toContain('cannot create the output folder /proc/npi-rates-split: ENOENT');
    expect(result.err).not.toContain('keeps the files split before the failure');
  });

  it('split makes every missing folder of its -o', async () => {
    const nested = join(dir, 'x', 'y', 'z');
    const result = await runMain('split', sample, '-o', nested);
    expect(result.code).toBe(0);
    expect(existsSync(join(nested, 'header.json'))).toBe(true);
  });

  it.skipIf(!existsSync('/sys/kernel'))('search refuses an -o in a folder that takes no new files, such as /sys (Linux), before reading anything', async () => {
    const result = await runMain('search', '--npi', '1234567893', '--url', join(dir, 'not-read.json'), '-o', '/sys/out.json', '--no-progress', '--no-lookup');
    expect(result.code).toBe(2);
    expect(result.err).toContain('error: cannot write the output /sys/out.json: its journal /sys/out.json.journal.ndjson cannot be created (EACCES)');
  });

  it('download refuses an -o inside a folder that does not exist', async () => {
    const result = await runMain('download', sample, '-o', join(dir, 'missing', 'x.json'));
    expect(result.code).toBe(2);
    expect(result.err).toContain(`the folder ${join(dir, 'missing')} does not exist`);
  });

  it('download refuses an -o naming a missing folder with a trailing slash, and one it cannot open, before downloading', async () => {
    const folder = join(dir, 'no-such-folder') + '/';
    const missing = await runMain('download', sample, '-o', folder);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(`cannot write ${folder}: the folder ${join(dir, 'no-such-folder')} does not exist`);
    if (!existsSync('/proc/self')) return; // /proc (Linux) is a folder that takes no new files
    const unopenable = await runMain('download', sample, '-o', '/proc/npi-rates-x.json');
    expect(unopenable.code).toBe(2);
    expect(unopenable.err).toContain('cannot write /proc/npi-rates-x.json: ENOENT');
  });

  it('merge and urls refuse an -o inside a folder that does not exist, with a sentence (exit 2)', async () => {
    const searched = join(dir, 'searched.json');
    expect((await runMain('search', '--npi', '1234567893', '--url', sample, '-o', searched, '--no-progress', '--no-lookup')).code).toBe(0);
    const merged = await runMain('merge', searched, '-o', join(dir, 'absent', 'merged.json'));
    expect(merged.code).toBe(2);
    expect(merged.err).toContain(`cannot write ${join(dir, 'absent', 'merged.json')}: the folder ${join(dir, 'absent')} does not exist`);
    const index = join(dir, 'index.json');
    writeFileSync(index, JSON.stringify({ reporting_structure: [{ in_network_files: [{ location: 'https://x.test/a.json.gz' }] }] }));
    const listed = await runMain('urls', '--toc-url', index, '-o', join(dir, 'absent', 'urls.txt'));
    expect(listed.code).toBe(2);
    expect(listed.err).toContain(`the folder ${join(dir, 'absent')} does not exist`);
  });

  it('cloud-run refuses a URL list line that a cloud task could not read', async () => {
    const list = join(dir, 'urls.txt');
    writeFileSync(list, 'https://example.test/a.json.gz\n./local.json\n');
    const result = await runMain('cloud-run', '--dry-run', '--s3-bucket', 'bbb', '--region', 'us-east-1', '--subnets', 's-1', '--npi', '1234567893', '--urls-file', list);
    expect(result.code).toBe(2);
    expect(result.err).toContain('"./local.json" is not an http(s):// or s3:// URL');
  });
});
