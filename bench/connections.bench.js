#!/usr/bin/env node
/**
 * Parallel ranged connections against a server that caps each connection, as CDNs do.
 * A local HTTP server (a child process, so serving costs no time in the measuring process)
 * serves a random file at --cap-mb MB/s per connection with Range support; the measuring
 * process reads it through openByteStream with 1 and with 4 connections.
 * Prints one JSON line: { sizeBytes, capMBps, results: [{ connections, seconds, mbPerSecond }] }.
 *
 * Usage: node bench/connections.bench.js [--size-mb 64] [--cap-mb 20]
 */
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const MB = 1_000_000;

function option(name, fallback) {
  const at = process.argv.indexOf(name);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
}

/** The server side: answers GET with Range, sending at most `cap` bytes per second per connection. */
function serve(sizeBytes, capBytesPerSecond) {
  const body = randomBytes(sizeBytes);
  const server = createServer((request, response) => {
    const range = /bytes=(\d+)-(\d*)/.exec(request.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range && range[2] ? Math.min(Number(range[2]), sizeBytes - 1) : sizeBytes - 1;
    response.writeHead(range ? 206 : 200, {
      'content-length': end - start + 1,
      'accept-ranges': 'bytes',
      etag: '"bench-file"',
      ...(range ? { 'content-range': `bytes ${start}-${end}/${sizeBytes}` } : {}),
    });
    let position = start;
    const tickMs = 50;
    const perTick = Math.floor((capBytesPerSecond * tickMs) / 1000);
    const timer = setInterval(() => {
      if (position > end || response.destroyed) {
        clearInterval(timer);
        response.end();
        return;
      }
      const next = Math.min(position + perTick, end + 1);
      response.write(body.subarray(position, next));
      position = next;
    }, tickMs);
    response.on('close', () => clearInterval(timer));
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
}

async function measure() {
  const sizeBytes = option('--size-mb', 64) * MB;
  const capMBps = option('--cap-mb', 20);
  const child = fork(fileURLToPath(import.meta.url), ['--serve', String(sizeBytes), String(capMBps * MB)]);
  const { port } = await new Promise((resolve) => child.once('message', resolve));
  const { openByteStream } = await import('../dist/sources/open-source.js');
  const results = [];
  try {
    for (const connections of [1, 4]) {
      const started = performance.now();
      const stream = await openByteStream(`http://127.0.0.1:${port}/file.bin`, { connections, partSizeBytes: 8 * 1024 * 1024 });
      let bytes = 0;
      for await (const chunk of stream.chunks) bytes += chunk.length;
      if (bytes !== sizeBytes) throw new Error(`read ${bytes} bytes of ${sizeBytes}`);
      const seconds = (performance.now() - started) / 1000;
      results.push({ connections, seconds, mbPerSecond: sizeBytes / MB / seconds });
    }
  } finally {
    child.kill();
  }
  console.log(JSON.stringify({ sizeBytes, capMBps, results }));
}

if (process.argv[2] === '--serve') serve(Number(process.argv[3]), Number(process.argv[4]));
else await measure();
