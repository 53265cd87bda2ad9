import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchSmallJson } from '../../src/sources/fetch-json.js';
import { startFlakyServer, type FlakyServer } from '../helpers/flaky-http-server.js';
import { failure } from '../helpers/expect-failure.js';

const group = { provider_groups: [{ npi: [1234567893], tin: { type: 'ein', value: '11-1000004' } }], version: '1.0.0' };
const fast = { minBackoffMs: 5, maxBackoffMs: 20, stallTimeoutMs: 750 };
let server: FlakyServer;

beforeEach(async () => {
  server = await startFlakyServer();
});

afterEach(async () => {
  await server.close();
});

describe('fetchSmallJson', () => {
  it('fetches and parses a remote provider-reference file, plain or gzipped', async () => {
    server.serve('/pg-5.json', { body: Buffer.from(JSON.stringify(group)), contentType: 'application/json' });
    server.serve('/pg-6.json.gz', { body: gzipSync(JSON.stringify(group)) });
    expect(await fetchSmallJson(server.url('/pg-5.json'), fast)).toEqual(group);
    expect(await fetchSmallJson(server.url('/pg-6.json.gz'), fast)).toEqual(group);
  });

  it('uses a single connection and retries a 503', async () => {
    server.serve('/pg.json', { body: Buffer.from(JSON.stringify(group)), faults: [{ kind: 'status', status: 503 }] });
    expect(await fetchSmallJson(server.url('/pg.json'), fast)).toEqual(group);
    expect(server.requests.map((request) => request.range)).toEqual([undefined, undefined]);
  });

  it('reads a document again from its first byte when the connection drops and the server cannot resume (no Range, no validators)', async () => {
    // Python's http.server behaves this way: no Accept-Ranges, no ETag; here it also drops the first answer halfway.
    const body = Buffer.from(JSON.stringify(group));
    server.serve('/pg-7.json', { body, etag: false, lastModified: false, acceptRanges: false, faults: [{ kind: 'drop-after', bytes: 40 }] });
    expect(await fetchSmallJson(server.url('/pg-7.json'), fast)).toEqual(group);
    // The drop, a resume at byte 40 answered with the whole file (refused: nothing proves it unchanged), then a new read.
    expect(server.requests.map((request) => request.range)).toEqual([undefined, 'bytes=40-', undefined]);
  });

  it('shows the status, the URL and the start of the error body on a 403 (BUG-09)', async () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidKey</Code><Message>The key is not valid for this resource</Message></Error>';
    server.serve('/prov_ref/7.json', { body: Buffer.from('{}'), faults: [{ kind: 'status', status: 403, body: xml }] });
    const error = await failure(fetchSmallJson(server.url('/prov_ref/7.json'), fast));
    expect(error.details.status).toBe(403);
    expect(error.message).toBe(
      `HTTP 403 for ${server.url('/prov_ref/7.json')}, body <?xml version="1.0" encoding="UTF-8"?> <Error><Code>InvalidKey</Code><Message>Th...`,
    );
  });

  it('adds the expiry note when the refused link is a signed one', async () => {
    server.serve('/prov_ref/7.json', {
      body: Buffer.from('{}'),
      faults: [{ kind: 'status', status: 403, body: '<Error><Code>AccessDenied</Code></Error>' }],
    });
    const error = await failure(fetchSmallJson(server.url('/prov_ref/7.json?Expires=1700000000&Signature=abc'), fast));
    expect(error.message).toBe(
      `HTTP 403 for ${server.url('/prov_ref/7.json')}, body <Error><Code>AccessDenied</Code></Error>: signed URL expired (Expires=1700000000, 2023-11-14T22:13:20Z); re-fetch the table of contents for fresh links`,
    );
  });

  it('reports a location with an unsupported scheme by its scheme (BUG-10)', async () => {
    const error = await failure(fetchSmallJson('sftp://mrf-host/prov/24.json', fast));
    expect(error.code).toBe('NPI_RATES_UNSUPPORTED_SCHEME');
    expect(error.details.scheme).toBe('sftp');
  });

  it('refuses a document larger than maxBytes', async () => {
    server.serve('/big.json', { body: Buffer.from(JSON.stringify({ filler: 'x'.repeat(5000) })) });
    const error = await failure(fetchSmallJson(server.url('/big.json'), { ...fast, maxBytes: 1000 }));
    expect(error.code).toBe('NPI_RATES_TOO_LARGE');
    expect(error.message).toBe(`${server.url('/big.json')}: larger than 1,000 bytes, too large for a reference document`);
  });

  it('names the document when its JSON is broken', async () => {
    server.serve('/broken.json', { body: Buffer.from('{"provider_groups":[') });
    const error = await failure(fetchSmallJson(server.url('/broken.json'), fast));
    expect(error.code).toBe('NPI_RATES_BAD_JSON');
    expect(error.message).toMatch(new RegExp(`^${server.url('/broken.json')}: not valid JSON \\(.+\\)$`));
  });

  it('reads local paths and file:// URLs the same way', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'npi-rates-test-'));
    try {
      const filePath = path.join(directory, 'pg.json.gz');
      await writeFile(filePath, gzipSync(JSON.stringify(group)));
      expect(await fetchSmallJson(filePath)).toEqual(group);
      expect(await fetchSmallJson(pathToFileURL(filePath).href)).toEqual(group);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
