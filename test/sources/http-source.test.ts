/**
 * One-connection HTTP reading against a server that misbehaves on cue. Each test checks that the
 * bytes handed on equal the file exactly (or that the failure is named), so a resume that
 * skipped, repeated or spliced bytes would fail here rather than as a wrong scan result later.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeLayers } from '../../src/sources/decode-layers.js';
import { DEFAULT_USER_AGENT, openByteStream, type SourceOptions } from '../../src/sources/open-source.js';
import { startFlakyServer, strongEtagOf, type FlakyServer } from '../helpers/flaky-http-server.js';
import { collectBytes, sampleMrfJson } from '../helpers/gzip-fixtures.js';
import { failure } from '../helpers/expect-failure.js';

const file = randomBytes(300_000);
let server: FlakyServer;
let notices: string[];

function options(extra: SourceOptions = {}): SourceOptions {
  return {
    connections: 1,
    minBackoffMs: 5,
    maxBackoffMs: 20,
    stallTimeoutMs: 750,
    onNotice: (message) => notices.push(message),
    ...extra,
  };
}

async function download(path: string, extra: SourceOptions = {}): Promise<Buffer> {
  const source = await openByteStream(server.url(path), options(extra));
  return collectBytes(source.chunks);
}

beforeEach(async () => {
  server = await startFlakyServer();
  notices = [];
});

afterEach(async () => {
  await server.close();
});

describe('openByteStream over HTTP, one connection', () => {
  it('reads a file whole and tells its size, with a descriptive User-Agent and no on-the-fly compression', async () => {
    server.serve('/mrf.bin', { body: file });
    const source = await openByteStream(server.url('/mrf.bin'), options());
    expect(source.totalBytes).toBe(300_000);
    expect((await collectBytes(source.chunks)).equals(file)).toBe(true);
    expect(server.requests[0].userAgent).toBe(DEFAULT_USER_AGENT);
    expect(DEFAULT_USER_AGENT).toMatch(/^npi-rates\/\d+\.\d+\.\d+ \(\+https:\/\/github\.com\/npi-rates\)$/);
    expect(server.requests[0].acceptEncoding).toBe('identity');
  });

  it('sends the User-Agent the caller chose', async () => {
    server.serve('/mrf.bin', { body: file });
    await download('/mrf.bin', { userAgent: 'Mozilla/5.0 (research)' });
    expect(server.requests[0].userAgent).toBe('Mozilla/5.0 (research)');
  });

  it('resumes with Range and If-Match after the connection drops mid-body', async () => {
    server.serve('/mrf.bin', { body: file, faults: [{ kind: 'drop-after', bytes: 100_000 }] });
    const received: number[] = [];
    const bytes = await download('/mrf.bin', { onBytes: (count) => received.push(count) });
    expect(bytes.equals(file)).toBe(true);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1].range).toBe('bytes=100000-');
    expect(server.requests[1].ifMatch).toBe(strongEtagOf(file));
    expect(received.at(-1)).toBe(300_000);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(
      new RegExp(`^${server.url('/mrf.bin')}: connection failed \\(.+\\) at byte 100,000 of 300,000; retry 1/8 in 0\\.\\d s, resuming there$`),
    );
  });

  it('resumes after a stall: no byte for stallTimeoutMs counts as a dropped connection', async () => {
    server.serve('/mrf.bin', { body: file, faults: [{ kind: 'stall-after', bytes: 50_000 }] });
    expect((await download('/mrf.bin')).equals(file)).toBe(true);
    expect(server.requests[1].range).toBe('bytes=50000-');
    expect(notices[0]).toMatch(/: no data for 0\.75 s at byte 50,000 of 300,000; retry 1\/8/);
  });

  it('survives several faults in a row and still hands on the exact file', async () => {
    server.serve('/mrf.bin', {
      body: file,
      faults: [
        { kind: 'status', status: 503 },
        { kind: 'drop-after', bytes: 10_000 },
        { kind: 'status', status: 502 },
        { kind: 'drop-after', bytes: 20_000 },
        { kind: 'stall-after', bytes: 1 },
      ],
    });
    expect((await download('/mrf.bin')).equals(file)).toBe(true);
    expect(server.requests.map((request) => request.range)).toEqual([
      undefined,
      undefined,
      'bytes=10000-',
      'bytes=10000-',
      'bytes=30000-',
      'bytes=30001-',
    ]);
  });

  it('retries a 503 and then reads the file', async () => {
    server.serve('/mrf.bin', { body: file, faults: [{ kind: 'status', status: 503 }] });
    expect((await download('/mrf.bin')).equals(file)).toBe(true);
    expect(notices[0]).toMatch(/: HTTP 503 at byte 0; retry 1\/8 in 0\.\d s/);
  });

  it('waits as long as a 429 Retry-After asks before retrying', async () => {
    server.serve('/mrf.bin', { body: file, faults: [{ kind: 'status', status: 429, headers: { 'retry-after': '1' } }] });
    expect((await download('/mrf.bin')).equals(file)).toBe(true);
    expect(notices[0]).toMatch(/: HTTP 429 at byte 0; retry 1\/8 in 1\.0 s/);
  });

  it('fails with the status once the retries are spent', async () => {
    server.serve('/mrf.bin', { body: file, faults: Array(5).fill({ kind: 'status', status: 503 }) });
    const error = await failure(download('/mrf.bin', { retries: 2 }));
    expect(error.code).toBe('NPI_RATES_DOWNLOAD_FAILED');
    expect(error.details.status).toBe(503);
    expect(error.message).toBe(`${server.url('/mrf.bin')}: download failed at byte 0: HTTP 503; gave up after 2 retries`);
    expect(server.requests).toHaveLength(3);
  });

  it('keeps going on a line that drops every 80 KB, since each connection moved the file forward', async () => {
    // Three drops: more than --retries 2 allows in a row, but each connection brought at least
    // 64 KiB, so the run of failures starts again each time.
    server.serve('/mrf.bin', { body: file, faults: Array(3).fill({ kind: 'drop-after', bytes: 80_000 }) });
    expect((await download('/mrf.bin', { retries: 2 })).equals(file)).toBe(true);
    expect(server.requests.map((request) => request.range)).toEqual([undefined, 'bytes=80000-', 'bytes=160000-', 'bytes=240000-']);
    expect(notices).toHaveLength(3);
    expect(notices.every((notice) => / retry 1\/2 in /.test(notice))).toBe(true);
  });

  it('does not retry 404 or 410 and names the status and URL', async () => {
    const notFound = await failure(download('/missing.json.gz'));
    expect(notFound.message).toBe(`HTTP 404 for ${server.url('/missing.json.gz')}`);
    expect(notFound.details.status).toBe(404);
    expect(notFound.hint).toBe('nothing is at this address (any more): check the URL; a link taken from a table of contents may be stale, so fetch the index again for current links');
    server.serve('/gone.json.gz', { body: file, faults: [{ kind: 'status', status: 410 }] });
    const gone = await failure(download('/gone.json.gz'));
    expect(gone.message).toBe(`HTTP 410 for ${server.url('/gone.json.gz')}`);
    expect(server.requests).toHaveLength(2);
  });

  it('explains a 403 on an expired signed URL and keeps the signature out of the message', async () => {
    const query = '?Expires=1700000000&Signature=abc&Key-Pair-Id=K0EXAMPLE';
    server.serve('/mrf/2023-11_ppo.json.gz', { body: file, faults: [{ kind: 'status', status: 403 }] });
    const error = await failure(download(`/mrf/2023-11_ppo.json.gz${query}`));
    expect(error.message).toBe(
      `HTTP 403 for ${server.url('/mrf/2023-11_ppo.json.gz')}: signed URL expired (Expires=1700000000, 2023-11-14T22:13:20Z); re-fetch the table of contents for fresh links`,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('follows a redirect chain and keeps Range on every hop when resuming', async () => {
    server.redirect('/download', '/hop-1?id=42');
    server.redirect('/hop-1', `${server.origin}/hop-2`, 301);
    server.redirect('/hop-2', '/obj/9f2c?X-Amz-Signature=secret', 307);
    server.serve('/obj/9f2c', { body: file, faults: [{ kind: 'drop-after', bytes: 70_000 }] });
    expect((await download('/download?id=42')).equals(file)).toBe(true);
    expect(server.requests.map((request) => `${request.path} ${request.range ?? ''}`.trim())).toEqual([
      '/download',
      '/hop-1',
      '/hop-2',
      '/obj/9f2c',
      '/download bytes=70000-',
      '/hop-1 bytes=70000-',
      '/hop-2 bytes=70000-',
      '/obj/9f2c bytes=70000-',
    ]);
    // The signature is never shown; the parameter that names the file is.
    expect(notices.join('\n')).not.toMatch(/secret/);
    expect(notices.join('\n')).toContain('/download?id=42: connection failed');
  });

  it('stops following a redirect loop', async () => {
    server.redirect('/a', '/b');
    server.redirect('/b', '/a');
    const error = await failure(download('/a', { maxRedirects: 5 }));
    expect(error.code).toBe('NPI_RATES_TOO_MANY_REDIRECTS');
    expect(error.message).toBe(`${server.url('/a')}: more than 5 redirects (last to ${server.url('/b')})`);
  });

  it('skips the already handed-on bytes when the server ignores Range but the ETag proves the same file', async () => {
    server.serve('/mrf.bin', { body: file, faults: [{ kind: 'drop-after', bytes: 120_000 }, { kind: 'ignore-range' }] });
    expect((await download('/mrf.bin')).equals(file)).toBe(true);
    expect(notices[1]).toBe(
      `${server.url('/mrf.bin')}: the server ignored Range; reading again from the start and skipping the 120,000 bytes already passed on`,
    );
  });

  it('fails with NPI_RATES_RANGE_IGNORED when the server ignores Range and nothing proves the file unchanged', async () => {
    server.serve('/mrf.bin', {
      body: file,
      etag: false,
      lastModified: false,
      faults: [{ kind: 'drop-after', bytes: 120_000 }, { kind: 'ignore-range' }],
    });
    const source = await openByteStream(server.url('/mrf.bin'), options());
    const handedOn: Uint8Array[] = [];
    const error = await failure(
      (async () => {
        for await (const chunk of source.chunks) handedOn.push(chunk);
      })(),
    );
    expect(error.code).toBe('NPI_RATES_RANGE_IGNORED');
    expect(error.message).toMatch(/the server ignored Range \(answered 200 instead of 206\) when resuming at byte 120,000/);
    expect(Buffer.concat(handedOn).equals(file.subarray(0, 120_000))).toBe(true);
  });

  it('fails with NPI_RATES_BAD_CONTENT_RANGE when a resumed part is longer than its Content-Range, before handing on any of it', async () => {
    server.serve('/mrf.bin', { body: file, faults: [{ kind: 'drop-after', bytes: 120_000 }, { kind: 'range-body-early', bytes: 1000 }] });
    const source = await openByteStream(server.url('/mrf.bin'), options());
    const handedOn: Uint8Array[] = [];
    const error = await failure(
      (async () => {
        for await (const chunk of source.chunks) handedOn.push(chunk);
      })(),
    );
    expect(error.code).toBe('NPI_RATES_BAD_CONTENT_RANGE');
    expect(error.message).toBe(
      `${server.url('/mrf.bin')}: the server answered Content-Range "bytes 120000-${file.length - 1}/${file.length}" with a Content-Length of ${file.length - 120_000 + 1000}, not ${file.length - 120_000}; the bytes it sends cannot be placed`,
    );
    expect(Buffer.concat(handedOn).equals(file.subarray(0, 120_000))).toBe(true);
  });

  it('fails at once with NPI_RATES_BAD_CONTENT_RANGE on a resumed range that ends before it starts, instead of retrying it', async () => {
    // The server counts 5 bytes more than the file has, then answers the resume for them with an empty range.
    const requests: string[] = [];
    const liar = createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', (data) => {
        const range = /range: bytes=(\d+)-/i.exec(data.toString('latin1'));
        requests.push(range ? `bytes=${range[1]}-` : 'whole');
        if (range === null) {
          socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${file.length + 5}\r\nAccept-Ranges: bytes\r\nConnection: close\r\n\r\n`);
          socket.end(file);
          return;
        }
        const start = Number(range[1]);
        socket.end(`HTTP/1.1 206 Partial Content\r\nContent-Range: bytes ${start}-${start - 1}/${file.length + 5}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      });
    });
    await new Promise<void>((done) => liar.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(liar.address() as AddressInfo).port}/mrf.bin`;
    try {
      const source = await openByteStream(url, options());
      const error = await failure(collectBytes(source.chunks));
      expect(error.code).toBe('NPI_RATES_BAD_CONTENT_RANGE');
      expect(error.message).toBe(`${url}: asked for bytes from 300,000 but the server sent Content-Range "bytes 300000-299999/300005"`);
      expect(requests).toEqual(['whole', 'bytes=300000-']);
    } finally {
      liar.close();
    }
  });

  it('fails with NPI_RATES_SOURCE_CHANGED when the file changes after bytes were handed on', async () => {
    const newer = randomBytes(300_000);
    server.serve('/mrf.bin', {
      body: file,
      faults: [{ kind: 'drop-after', bytes: 80_000 }, { kind: 'replace-file', body: newer }],
    });
    const error = await failure(download('/mrf.bin'));
    expect(error.code).toBe('NPI_RATES_SOURCE_CHANGED');
    expect(error.message).toBe(
      `${server.url('/mrf.bin')}: the file changed on the server after 80,000 bytes had been read (the server answered 412 to If-Match); the two versions cannot be joined`,
    );
  });

  it('notices a changed ETag even when the server ignores If-Match', async () => {
    const newer = randomBytes(300_000);
    server.serve('/mrf.bin', {
      body: file,
      honourConditionals: false,
      faults: [{ kind: 'drop-after', bytes: 80_000 }, { kind: 'replace-file', body: newer }],
    });
    const error = await failure(download('/mrf.bin'));
    expect(error.code).toBe('NPI_RATES_SOURCE_CHANGED');
    expect(error.message).toContain(`(ETag changed from ${strongEtagOf(file)} to ${strongEtagOf(newer)})`);
  });

  it('reads the new version when the file changed before any byte was handed on', async () => {
    const newer = randomBytes(200_000);
    server.serve('/mrf.bin', {
      body: file,
      faults: [{ kind: 'drop-after', bytes: 0 }, { kind: 'replace-file', body: newer }],
    });
    expect((await download('/mrf.bin')).equals(newer)).toBe(true);
    expect(notices[1]).toMatch(/the file changed on the server before any byte was read \(ETag changed from/);
  });

  it('resumes a chunked response without Content-Length', async () => {
    server.serve('/mrf.bin', { body: file, sendLength: false, faults: [{ kind: 'drop-after', bytes: 90_000 }] });
    const source = await openByteStream(server.url('/mrf.bin'), options());
    expect(source.totalBytes).toBeUndefined();
    expect((await collectBytes(source.chunks)).equals(file)).toBe(true);
    expect(server.requests[1].range).toBe('bytes=90000-');
  });

  it('hands on gzip bytes untouched when the server labels a .json.gz with Content-Encoding: gzip', async () => {
    const json = sampleMrfJson(50_000);
    const gzipped = gzipSync(json);
    server.serve('/rates.json.gz', {
      body: gzipped,
      contentType: 'application/gzip',
      headers: { 'content-encoding': 'gzip' },
    });
    const source = await openByteStream(server.url('/rates.json.gz'), options());
    const raw = await collectBytes(source.chunks);
    expect(raw.equals(gzipped)).toBe(true);
    const again = await openByteStream(server.url('/rates.json.gz'), options({ connections: 4 }));
    expect((await collectBytes(decodeLayers(again.chunks, 'rates.json.gz'))).equals(json)).toBe(true);
  });

  it('fails with a connection error, after the retries, when nothing listens', async () => {
    const closed = await startFlakyServer();
    const url = closed.url('/x.json');
    await closed.close();
    const error = await failure(openByteStream(url, options({ retries: 1 })));
    expect(error.code).toBe('NPI_RATES_DOWNLOAD_FAILED');
    expect(error.message).toBe(`${url}: download failed at byte 0: connection failed (ECONNREFUSED: connect ECONNREFUSED ${new URL(url).host}); gave up after 1 retries`);
  });

  it('stops at once when the caller aborts, even in the middle of a stall or a backoff', async () => {
    server.serve('/mrf.bin', { body: file, faults: [{ kind: 'stall-after', bytes: 10_000 }] });
    const controller = new AbortController();
    const source = await openByteStream(server.url('/mrf.bin'), options({ stallTimeoutMs: 30_000, signal: controller.signal }));
    const reading = collectBytes(source.chunks);
    setTimeout(() => controller.abort(new Error('interrupted by the user')), 100);
    await expect(reading).rejects.toThrow('interrupted by the user');

    server.serve('/busy.bin', { body: file, faults: [{ kind: 'status', status: 503 }] });
    const second = new AbortController();
    const opening = openByteStream(server.url('/busy.bin'), options({ minBackoffMs: 30_000, maxBackoffMs: 30_000, signal: second.signal }));
    setTimeout(() => second.abort(new Error('interrupted again')), 100);
    await expect(opening).rejects.toThrow('interrupted again');
  });

  it('refuses schemes it cannot read, naming the scheme', async () => {
    const error = await failure(openByteStream('sftp://mrf-host/prov/24.json', options()));
    expect(error.code).toBe('NPI_RATES_UNSUPPORTED_SCHEME');
    expect(error.details.scheme).toBe('sftp');
    expect(error.message).toBe('unsupported scheme sftp: sftp://mrf-host/prov/24.json');
    await expect(openByteStream('ftp://host/file.json', options())).rejects.toMatchObject({ details: { scheme: 'ftp' } });
  });
});
