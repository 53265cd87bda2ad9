import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createSearchProgress } from '../../src/cli/search-progress.js';
import type { FileSearchResult } from '../../src/search/search-file.js';

function collectingStream(): Writable & { text(): string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return Object.assign(stream, { text: () => text });
}

const failed = (message: string): FileSearchResult => ({
  metadata: {},
  rowsFound: 0,
  incomplete: true,
  error: { message, code: 'NPI_RATES_SOURCE_CHANGED' },
  usedSecondPass: false,
  rawBytes: 4 * 1024 * 1024,
  decompressedBytes: 0,
});

describe('the line progress of a search (logs, pipes)', () => {
  it('names a failed file once, keeping the part of a ranged download the message is about', async () => {
    const err = collectingStream();
    const progress = await createSearchProgress(err, false);
    const url = 'https://cdn.test/a.json.gz';
    progress.onFileDone?.(url, failed(`${url} (part 3/4): the file changed on the server after 4.0 MiB bytes had been read (ETag "b" instead of "a")`));
    progress.onFileDone?.(url, failed(`${url}: HTTP 404`));
    expect(err.text()).toBe(
      `failed ${url} after 4.0 MiB: part 3/4: the file changed on the server after 4.0 MiB bytes had been read (ETag "b" instead of "a")\n` +
        `failed ${url} after 4.0 MiB: HTTP 404\n`,
    );
  });
});
