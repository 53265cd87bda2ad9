#!/usr/bin/env node
/**
 * The ceiling: inflates a gzip file with Node's zlib (1 MiB output chunks) into a sink that only
 * counts bytes. Run as its own process so its peak RSS is its own. Prints one JSON line:
 * { uncompressedBytes, seconds, maxRssBytes }.
 *
 * Usage: node bench/gunzip-sink.js FILE.json.gz
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { performance } from 'node:perf_hooks';

const MIB = 1024 * 1024;
const path = process.argv[2];
if (!path) {
  process.stderr.write('usage: node bench/gunzip-sink.js FILE.json.gz\n');
  process.exit(2);
}

const startedAt = performance.now();
let uncompressedBytes = 0;
const gunzip = createGunzip({ chunkSize: MIB });
createReadStream(path, { highWaterMark: MIB }).pipe(gunzip);
for await (const chunk of gunzip) uncompressedBytes += chunk.length;
const seconds = (performance.now() - startedAt) / 1000;
const maxRssBytes = process.resourceUsage().maxRSS * 1024;
process.stdout.write(`${JSON.stringify({ uncompressedBytes, seconds, maxRssBytes })}\n`);
