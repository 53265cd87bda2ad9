/**
 * Servers that send a response and close the connection at once (HTTP/1.0 servers, Python's
 * http.server) while the reader is still behind. undici 7 threw an assertion from the socket's
 * 'end' handler in that state, which crashed the whole process (see src/sources/http-agent.ts);
 * vitest fails a test on such an uncaught error, so these tests fail without the guard.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NpiRatesError } from '../../src/shared/errors.js';
import { decodeLayers } from '../../src/sources/decode-layers.js';
import { openByteStream } from '../../src/sources/open-source.js';

const text = Buffer.from(`{"filler":"${randomBytes(2 * 1024 * 1024).toString('base64')}"}`);
const body = gzipSync(text);

/** Answers every request with the whole body, then ends the connection (FIN) straight away. */
function startClosingServer(withLength: boolean): Promise<{ server: Server; url: string }> {
  const server = createServer((socket) => {
    socket.on('error', () => {}); // a client that gave up: not what is tested
    socket.once('data', () => {
      const length = withLength ? `Content-Length: ${body.length}\r\n` : '';
      socket.write(`HTTP/1.1 200 OK\r\n${length}Connection: close\r\n\r\n`);
      socket.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${address.port}/rates.json.gz` });
    });
  });
}

/**
 * Reads through gunzip, as a search does: the reader falls behind the socket, the response
 * body fills up and the HTTP parser pauses (reading the raw bytes alone keeps up too well).
 */
async function readThroughGunzip(url: string): Promise<Buffer> {
  const source = await openByteStream(url, { connections: 1, stallTimeoutMs: 10_000, retries: 1 });
  const parts: Buffer[] = [];
  for await (const chunk of decodeLayers(source.chunks, url)) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

describe('servers that close the connection right after the body', () => {
  let withLength: { server: Server; url: string };
  let withoutLength: { server: Server; url: string };
  beforeAll(async () => {
    withLength = await startClosingServer(true);
    withoutLength = await startClosingServer(false);
  });
  afterAll(async () => {
    for (const { server } of [withLength, withoutLength]) await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('hands on every byte of a response with Content-Length, download after download, while the reader lags behind', async () => {
    for (let round = 0; round < 8; round++) {
      const bytes = await readThroughGunzip(withLength.url);
      expect(bytes.equals(text)).toBe(true);
    }
  });

  // Without a length, the end of the body is the close itself; when the reader lags too far,
  // the connection is gone before the rest is parsed. That is then a drop like any other: this
  // server ignores Range and offers no ETag, so the download fails with that reason. What must
  // never happen is the crash (an uncaught exception fails this test file).
  it('never crashes on a response ended by the close: every byte, or the resume error', async () => {
    for (let round = 0; round < 8; round++) {
      const outcome = await readThroughGunzip(withoutLength.url).then(
        (bytes) => bytes,
        (error: unknown) => error,
      );
      if (outcome instanceof Buffer) expect(outcome.equals(text)).toBe(true);
      else expect((outcome as NpiRatesError).code).toBe('NPI_RATES_RANGE_IGNORED');
    }
  });
});
