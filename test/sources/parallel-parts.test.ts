/**
 * Several ranged connections for one file. If parts were passed on out of order, twice, or with
 * a gap, the joined bytes would differ from the file; if the buffer bound were ignored, the
 * server would see requests for parts far ahead of a consumer that has stopped reading.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NpiRatesError } from '../../src/shared/errors.js';
import { openByteStream, type SourceOptions } from '../../src/sources/open-source.js';
import { startFlakyServer, type FlakyServer } from '../helpers/flaky-http-server.js';
import { collectBytes } from '../helpers/gzip-fixtures.js';

const PART = 64 * 1024;
const file = randomBytes(20 * PART + 123);
let server: FlakyServer;
let notices: string[];

function options(extra: SourceOptions = {}): SourceOptions {
  return {
    connections: 4,
    partSizeBytes: PART,
    minBackoffMs: 5,
    maxBackoffMs: 20,
    stallTimeoutMs: 750,
    onNotice: (message) => notices.push(message),
    ...extra,
  };
}

beforeEach(async () => {
  server = await startFlakyServer();
  notices = [];
});

afterEach(async () => {
  await server.close();
});

describe('openByteStream with several connections', () => {
  it('fetches ranged parts in parallel and hands them on in order', async () => {
    // The cap keeps each response open long enough for the others to overlap it.
    server.serve('/big.bin', { body: file, bytesPerSecond: 1_000_000 });
    const source = await openByteStream(server.url('/big.bin'), options());
    expect(source.totalBytes).toBe(file.length);
    expect((await collectBytes(source.chunks)).equals(file)).toBe(true);
    expect(server.requests).toHaveLength(21);
    expect(server.requests[0].range).toBe(`bytes=0-${PART - 1}`);
    const ranges = server.requests.map((request) => request.range).sort();
    expect(ranges).toContain(`bytes=${20 * PART}-${20 * PART + 122}`);
    expect(server.maxConcurrentResponses).toBeGreaterThanOrEqual(2);
  });

  it('resumes each part on its own after drops, stalls and 503s', async () => {
    server.serve('/big.bin', {
      body: file,
      faults: [
        { kind: 'ok' },
        { kind: 'drop-after', bytes: 1000 },
        { kind: 'status', status: 503 },
        { kind: 'stall-after', bytes: 5000 },
        { kind: 'drop-after', bytes: 0 },
      ],
    });
    const source = await openByteStream(server.url('/big.bin'), options());
    expect((await collectBytes(source.chunks)).equals(file)).toBe(true);
    expect(notices).toHaveLength(4);
    expect(notices.every((notice) => /\(part \d+\/21\): /.test(notice))).toBe(true);
  });

  it('fails when the file changes between parts after bytes were handed on', async () => {
    server.serve('/big.bin', { body: file, faults: [{ kind: 'ok' }, { kind: 'replace-file', body: randomBytes(file.length) }] });
    const source = await openByteStream(server.url('/big.bin'), options({ connections: 2 }));
    await expect(collectBytes(source.chunks)).rejects.toMatchObject({ code: 'NPI_RATES_SOURCE_CHANGED' });
  });

  it('uses one connection when the server does not support ranges', async () => {
    server.serve('/big.bin', { body: file, acceptRanges: false });
    const source = await openByteStream(server.url('/big.bin'), options());
    expect((await collectBytes(source.chunks)).equals(file)).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('reads an empty file (the ranged first request gets 416)', async () => {
    server.serve('/empty.bin', { body: new Uint8Array(0) });
    const source = await openByteStream(server.url('/empty.bin'), options());
    expect(source.totalBytes).toBe(0);
    expect((await collectBytes(source.chunks)).length).toBe(0);
  });

  it('does not fetch further ahead than the buffer allows while the consumer waits', async () => {
    server.serve('/big.bin', { body: file });
    const source = await openByteStream(server.url('/big.bin'), options({ maxBufferedBytes: 3 * PART }));
    const iterator = source.chunks[Symbol.asyncIterator]();
    await iterator.next();
    for (let waited = 0; server.requests.length < 3 && waited < 5000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Part 1 is still being consumed, so only parts 1-3 may have been requested.
    expect(server.requests).toHaveLength(3);
    await iterator.return?.();
  });

  it('gives up on the whole file when one part keeps failing', async () => {
    server.serve('/big.bin', { body: file, faults: [{ kind: 'ok' }, ...Array(10).fill({ kind: 'status', status: 500 })] });
    const source = await openByteStream(server.url('/big.bin'), options({ retries: 1, connections: 2 }));
    let failure: unknown;
    try {
      await collectBytes(source.chunks);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(NpiRatesError);
    expect((failure as NpiRatesError).code).toBe('NPI_RATES_DOWNLOAD_FAILED');
    expect((failure as NpiRatesError).details.status).toBe(500);
  });
});
