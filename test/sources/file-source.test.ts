import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openByteStream } from '../../src/sources/open-source.js';
import { collectBytes } from '../helpers/gzip-fixtures.js';

let directory: string;
const content = Buffer.alloc(3 * 1024 * 1024 + 5, 'ab');

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'npi-rates-file-source-'));
  await writeFile(path.join(directory, 'rates.json'), content);
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('openByteStream on local files', () => {
  it('reads a local file again from the start, and refuses once the file has changed', async () => {
    const filePath = path.join(directory, 'again.json');
    await writeFile(filePath, 'first bytes');
    const source = await openByteStream(filePath);
    expect(source.readAgain).toBeDefined();
    expect(Buffer.from(await collectBytes(source.chunks)).toString()).toBe('first bytes');
    expect(Buffer.from(await collectBytes(source.readAgain!())).toString()).toBe('first bytes');
    await writeFile(filePath, 'other, longer bytes');
    await expect(collectBytes(source.readAgain!())).rejects.toThrow(`${filePath} changed while it was being searched`);
  });

  it('reads a path in 1 MiB chunks and tells the size', async () => {
    const progress: number[] = [];
    const source = await openByteStream(path.join(directory, 'rates.json'), { onBytes: (count) => progress.push(count) });
    expect(source.totalBytes).toBe(content.length);
    const chunks: Uint8Array[] = [];
    for await (const chunk of source.chunks) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.length)).toEqual([1048576, 1048576, 1048576, 5]);
    expect(Buffer.concat(chunks).equals(content)).toBe(true);
    expect(progress.at(-1)).toBe(content.length);
  });

  it('reads a file:// URL', async () => {
    const source = await openByteStream(pathToFileURL(path.join(directory, 'rates.json')).href);
    expect((await collectBytes(source.chunks)).equals(content)).toBe(true);
  });

  it('says which file is missing before reading anything', async () => {
    const missing = path.join(directory, 'nope.json.gz');
    await expect(openByteStream(missing)).rejects.toMatchObject({
      code: 'NPI_RATES_FILE_NOT_FOUND',
      message: `no such file: ${missing}`,
    });
  });

  it('refuses a directory', async () => {
    await expect(openByteStream(directory)).rejects.toMatchObject({
      code: 'NPI_RATES_NOT_A_FILE',
      message: `${directory}: is a directory, not a rate file`,
    });
  });

  it('refuses a connections count below one', async () => {
    await expect(openByteStream(path.join(directory, 'rates.json'), { connections: 0 })).rejects.toMatchObject({
      code: 'NPI_RATES_BAD_OPTION',
      message: 'connections must be a whole number >= 1, got 0',
    });
  });
});
