/**
 * An HTTP server on 127.0.0.1 (port 0) that misbehaves on cue, for transport tests and the
 * bandwidth benchmark. Each served path has a body and a queue of faults; every request to the
 * path takes the next fault (drop the connection after K bytes, stall, answer a status, ignore
 * Range, change the file), and once the queue is empty requests are answered properly:
 * Range (206 + Content-Range, 416), If-Match / If-Unmodified-Since (412), strong ETag,
 * Last-Modified, and an optional per-connection bandwidth cap.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  /** Send the headers and the first `bytes` of the answer, then destroy the socket. */
  | { kind: 'drop-after'; bytes: number }
  /** Send the headers and the first `bytes`, then nothing more; the socket stays open. */
  | { kind: 'stall-after'; bytes: number }
  /** Answer with this status (503, 429 + Retry-After, 403 ...) and a short body. */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** Answer 200 with the whole file, whatever Range asked for. */
  | { kind: 'ignore-range' }
  /** Answer a Range with the right Content-Range but a body (and Content-Length) starting `bytes` earlier. */
  | { kind: 'range-body-early'; bytes: number }
  /** The file is replaced (new body, new ETag) before this request is answered. */
  | { kind: 'replace-file'; body: Uint8Array; etag?: string }
  /** Answer properly (keeps a later fault for a later request). */
  | { kind: 'ok' };

export interface ServedFile {
  body: Uint8Array;
  contentType?: string;
  /** Extra response headers, e.g. `{ 'content-encoding': 'gzip' }`. */
  headers?: Record<string, string>;
  /** Strong ETag (quoted); default derived from the body; `false` sends none. */
  etag?: string | false;
  /** Default a fixed date; `false` sends none. */
  lastModified?: string | false;
  /** `false`: no Accept-Ranges header and every Range is ignored (200 + whole file). */
  acceptRanges?: boolean;
  /** `false`: If-Match / If-Unmodified-Since are ignored (a careless server). */
  honourConditionals?: boolean;
  /** `false`: no Content-Length (chunked transfer). */
  sendLength?: boolean;
  /** Per-connection cap in bytes per second. */
  bytesPerSecond?: number;
  faults?: Fault[];
}

export interface RequestRecord {
  path: string;
  range?: string;
  ifMatch?: string;
  ifUnmodifiedSince?: string;
  userAgent?: string;
  acceptEncoding?: string;
}

export interface FlakyServer {
  origin: string;
  url(pathAndQuery: string): string;
  serve(path: string, file: ServedFile): void;
  redirect(path: string, location: string, status?: number): void;
  /** Every request in arrival order (redirect hops included). */
  readonly requests: RequestRecord[];
  /** Most responses being sent at the same moment (parallel connections show here). */
  readonly maxConcurrentResponses: number;
  close(): Promise<void>;
}

const DEFAULT_LAST_MODIFIED = 'Tue, 14 Nov 2023 22:13:20 GMT';

export function strongEtagOf(body: Uint8Array): string {
  return `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Writes `data` respecting backpressure and the cap; false if the client went away. */
async function writeCapped(
  response: http.ServerResponse,
  data: Uint8Array,
  bytesPerSecond: number | undefined,
): Promise<boolean> {
  const sliceBytes = bytesPerSecond ? Math.max(1024, Math.min(64 * 1024, Math.floor(bytesPerSecond / 50))) : 256 * 1024;
  const startedAt = Date.now();
  let sent = 0;
  while (sent < data.length) {
    if (bytesPerSecond) {
      // Pace before each slice, not after the last one, so the response ends with its last byte.
      const aheadMs = (sent / bytesPerSecond) * 1000 - (Date.now() - startedAt);
      if (aheadMs > 0) await delay(aheadMs);
    }
    if (response.destroyed) return false;
    const slice = data.subarray(sent, sent + sliceBytes);
    sent += slice.length;
    if (!response.write(slice)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          response.off('drain', done);
          response.off('close', done);
          resolve();
        };
        response.on('drain', done);
        response.on('close', done);
      });
    }
  }
  return !response.destroyed;
}

function parseRange(header: string | undefined, length: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = header === undefined ? null : /^bytes=(\d+)-(\d*)$/.exec(header);
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = match[2] === '' ? length - 1 : Math.min(Number(match[2]), length - 1);
  if (start >= length || end < start) return 'unsatisfiable';
  return { start, end };
}

export async function startFlakyServer(): Promise<FlakyServer> {
  const files = new Map<string, ServedFile>();
  const redirects = new Map<string, { location: string; status: number }>();
  const requests: RequestRecord[] = [];
  const sockets = new Set<Socket>();
  let concurrent = 0;
  let maxConcurrentResponses = 0;

  const handle = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    requests.push({
      path,
      range: request.headers.range,
      ifMatch: request.headers['if-match'],
      ifUnmodifiedSince: request.headers['if-unmodified-since'],
      userAgent: request.headers['user-agent'],
      acceptEncoding: request.headers['accept-encoding'],
    });

    const redirect = redirects.get(path);
    if (redirect) {
      response.writeHead(redirect.status, { location: redirect.location }).end();
      return;
    }
    const file = files.get(path);
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }

    let fault = file.faults?.shift() ?? { kind: 'ok' };
    if (fault.kind === 'replace-file') {
      file.body = fault.body;
      file.etag = fault.etag ?? strongEtagOf(fault.body);
      file.lastModified = new Date().toUTCString();
      fault = { kind: 'ok' };
    }
    if (fault.kind === 'status') {
      response.writeHead(fault.status, { 'content-type': 'application/xml', ...fault.headers });
      response.end(fault.body ?? `<Error><Code>Status${fault.status}</Code></Error>`);
      return;
    }

    const body = file.body;
    const etag = file.etag === false ? undefined : (file.etag ?? strongEtagOf(body));
    const lastModified = file.lastModified === false ? undefined : (file.lastModified ?? DEFAULT_LAST_MODIFIED);
    const headers: Record<string, string> = {
      'content-type': file.contentType ?? 'application/octet-stream',
      ...file.headers,
    };
    if (etag) headers.etag = etag;
    if (lastModified) headers['last-modified'] = lastModified;
    if (file.acceptRanges !== false) headers['accept-ranges'] = 'bytes';

    if (file.honourConditionals !== false) {
      const ifMatch = request.headers['if-match'];
      const ifUnmodifiedSince = request.headers['if-unmodified-since'];
      if ((ifMatch && ifMatch !== etag) || (ifUnmodifiedSince && lastModified && ifUnmodifiedSince !== lastModified)) {
        response.writeHead(412).end();
        return;
      }
    }

    const honoursRange = file.acceptRanges !== false && fault.kind !== 'ignore-range';
    const range = honoursRange ? parseRange(request.headers.range, body.length) : undefined;
    if (range === 'unsatisfiable') {
      response.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
      return;
    }
    const start = range?.start ?? 0;
    const end = range?.end ?? body.length - 1;
    const bodyStart = range && fault.kind === 'range-body-early' ? Math.max(0, start - fault.bytes) : start;
    if (file.sendLength !== false) headers['content-length'] = String(end - bodyStart + 1);
    if (range) headers['content-range'] = `bytes ${start}-${end}/${body.length}`;
    response.writeHead(range ? 206 : 200, headers);
    // Headers leave now, so "drop after 0 bytes" fails in the body, not before the status.
    response.flushHeaders();

    const answer = body.subarray(bodyStart, end + 1);
    if (fault.kind === 'drop-after' || fault.kind === 'stall-after') {
      const ok = await writeCapped(response, answer.subarray(0, fault.bytes), file.bytesPerSecond);
      if (!ok) return;
      if (fault.kind === 'drop-after') {
        // Let the bytes leave before the reset, so the client really sees K bytes.
        await delay(20);
        response.socket?.destroy();
      }
      return;
    }
    if (await writeCapped(response, answer, file.bytesPerSecond)) response.end();
  };

  const server = http.createServer((request, response) => {
    concurrent += 1;
    maxConcurrentResponses = Math.max(maxConcurrentResponses, concurrent);
    response.on('close', () => {
      concurrent -= 1;
    });
    handle(request, response).catch(() => response.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    url: (pathAndQuery) => `${origin}${pathAndQuery}`,
    serve: (path, file) => {
      files.set(path, { ...file, faults: [...(file.faults ?? [])] });
    },
    redirect: (path, location, status = 302) => {
      redirects.set(path, { location, status });
    },
    requests,
    get maxConcurrentResponses() {
      return maxConcurrentResponses;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface ThroughputResult {
  connections: number;
  bytes: number;
  seconds: number;
  megabytesPerSecond: number;
}

export interface ThroughputOptions {
  connections: number;
  /** Size of the incompressible test file. @default 64 MiB */
  sizeBytes?: number;
  /** The server's per-connection cap. @default 20 MB/s */
  bytesPerSecondPerConnection?: number;
  partSizeBytes?: number;
}

/**
 * A capped range-serving file server in a child process, so that on a 2-core machine the
 * server's work does not eat into the client being measured. Plain JavaScript given to
 * `node -e`, because the child has no TypeScript loader.
 */
const CAPPED_SERVER_SOURCE = `
const http = require('node:http');
const size = Number(process.argv[1]);
const bytesPerSecond = Number(process.argv[2]);
const body = require('node:crypto').randomBytes(size);
const slice = Math.max(1024, Math.min(65536, Math.floor(bytesPerSecond / 50)));
const server = http.createServer(async (request, response) => {
  const match = /^bytes=(\\d+)-(\\d*)$/.exec(request.headers.range || '');
  const start = match ? Number(match[1]) : 0;
  const end = match && match[2] !== '' ? Math.min(Number(match[2]), size - 1) : size - 1;
  const headers = { 'content-length': String(end - start + 1), 'accept-ranges': 'bytes', etag: '"capped"' };
  if (match) headers['content-range'] = 'bytes ' + start + '-' + end + '/' + size;
  response.writeHead(match ? 206 : 200, headers);
  const startedAt = Date.now();
  for (let sent = 0; start + sent <= end && !response.destroyed; ) {
    const ahead = (sent / bytesPerSecond) * 1000 - (Date.now() - startedAt);
    if (ahead > 0) await new Promise((resolve) => setTimeout(resolve, ahead));
    const piece = body.subarray(start + sent, Math.min(end + 1, start + sent + slice));
    sent += piece.length;
    if (!response.write(piece)) await new Promise((resolve) => response.once('drain', resolve));
  }
  response.end();
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

async function startCappedServerProcess(
  sizeBytes: number,
  bytesPerSecond: number,
): Promise<{ url: string; stop(): void }> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['-e', CAPPED_SERVER_SOURCE, String(sizeBytes), String(bytesPerSecond)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`capped server exited with ${code}`)));
    child.stdout.once('data', (data: Buffer) => resolve(data.toString().trim()));
  });
  return { url: `http://127.0.0.1:${port}/capped.bin`, stop: () => child.kill() };
}

/**
 * Downloads a random file through openByteStream from a server (in a child process) that caps
 * every connection, and reports the throughput. For the benchmark: compare `connections: 4`
 * with `connections: 1`; with the default 20 MB/s cap the ratio should be >= 3. Bytes are only
 * counted, so this measures the transport alone (no gunzip, no scan).
 */
export async function measureCappedThroughput(options: ThroughputOptions): Promise<ThroughputResult> {
  const { openByteStream } = await import('../../src/sources/open-source.js');
  const sizeBytes = options.sizeBytes ?? 64 * 1024 * 1024;
  const server = await startCappedServerProcess(sizeBytes, options.bytesPerSecondPerConnection ?? 20_000_000);
  try {
    const startedAt = process.hrtime.bigint();
    const source = await openByteStream(server.url, {
      connections: options.connections,
      partSizeBytes: options.partSizeBytes,
    });
    let bytes = 0;
    for await (const chunk of source.chunks) bytes += chunk.length;
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    if (bytes !== sizeBytes) throw new Error(`received ${bytes} bytes of ${sizeBytes}`);
    return { connections: options.connections, bytes, seconds, megabytesPerSecond: bytes / 1e6 / seconds };
  } finally {
    server.stop();
  }
}
