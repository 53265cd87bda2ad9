#!/usr/bin/env node
/**
 * Scanner throughput on one synthetic MRF, in its own process so its peak RSS is its own.
 * Prints one JSON line: { mode, source, uncompressedBytes, seconds, cpuSeconds, mbPerSecond, maxRssBytes, values }.
 *
 * Usage: node bench/scan.bench.js --file F.json.gz --mode MODE [--source gunzip|memory] [--loop wasm|js]
 *        [--dist DIR] [--simdjson DIR]
 *
 * Modes (each reads the whole document):
 *   walker-skip        the walker skips the root value: the bare "find where this value ends" loop
 *   walker-rates       the walker captures every provider reference and every negotiated rate,
 *                      which is the walking a search does before its per-rate prefilter
 *   mrf-search         the search's own scan (scanDocument: walker, rate filter, matching, rows) for
 *                      the NPI in the file's .meta.json, without the CLI, its threads or output
 *   json-parse-items   the peers' way: capture every in_network item and JSON.parse it
 *   stream-json        the npm stream-json parser, picking in_network and assembling each item
 *   simdjson           the npm simdjson package's parse() of the whole document (it cannot stream;
 *                      not a dependency: pass --simdjson DIR, a folder where it is installed)
 * --loop picks the walker's container-end loop: the WebAssembly kernel (default) or plain JS.
 * Sources:
 *   gunzip   the search's own gunzip layer (zlib, 1 MiB chunks, 4 MiB read-ahead) feeding the scanner
 *   memory   inflated into memory first (not timed), then fed in 1 MiB slices: parse cost alone
 */
import { createReadStream, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const MIB = 1024 * 1024;
const decoder = new TextDecoder();

function parseArguments(argv) {
  const here = dirname(fileURLToPath(import.meta.url));
  const options = {
    file: '',
    mode: 'walker-rates',
    source: 'gunzip',
    loop: 'wasm',
    dist: join(here, '..', 'dist'),
    simdjson: '',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in options)) throw new Error(`unknown option '${argv[i]}'; see the usage at the top of this file`);
    options[key] = argv[i + 1];
  }
  if (!options.file) throw new Error('missing --file FILE.json.gz');
  return options;
}

/** Chunks of the decompressed document, inflated as a search inflates them (src/sources/gunzip-layer.ts). */
async function* decompressedChunks(file, source, dist) {
  if (source !== 'gunzip') throw new Error(`unknown source '${source}'`);
  const { gunzipLayer } = await import(pathToFileURL(join(resolve(dist), 'sources', 'gunzip-layer.js')).href);
  yield* gunzipLayer(createReadStream(file, { highWaterMark: MIB }), file);
}

function memoryChunks(file) {
  const whole = gunzipSync(readFileSync(file));
  const chunks = [];
  for (let at = 0; at < whole.length; at += MIB) chunks.push(whole.subarray(at, at + MIB));
  return chunks;
}

/** Path tests for the MRF layout: [in_network, i, negotiated_rates, j] and friends. */
function makeRateCapturingHandler(counter) {
  return {
    selectValue(path, kind) {
      const depth = path.length;
      if (depth === 0) return 'descend';
      if (depth === 1) {
        if (path[0] === 'in_network' || path[0] === 'provider_references') return 'descend';
        return kind === 'object' || kind === 'array' ? 'skip' : 'capture';
      }
      if (depth === 2) return path[0] === 'in_network' ? 'descend' : 'capture';
      if (depth === 3) return path[2] === 'negotiated_rates' ? 'descend' : 'capture';
      return 'capture';
    },
    onCapture(_path, bytes) {
      counter.values++;
      counter.bytes += bytes.length;
    },
  };
}

function makeItemParsingHandler(counter) {
  return {
    selectValue(path, kind) {
      const depth = path.length;
      if (depth === 0) return 'descend';
      if (depth === 1) {
        if (path[0] === 'in_network' || path[0] === 'provider_references') return 'descend';
        return kind === 'object' || kind === 'array' ? 'skip' : 'capture';
      }
      return 'capture';
    },
    onCapture(_path, bytes) {
      const value = JSON.parse(decoder.decode(bytes));
      counter.values++;
      if (value !== null && typeof value === 'object') counter.bytes += 1;
    },
  };
}

async function runWalker(options, chunks, handlerFactory) {
  const { JsonWalker } = await import(pathToFileURL(join(resolve(options.dist), 'scan', 'json-walker.js')).href);
  const counter = { values: 0, bytes: 0 };
  const handler =
    handlerFactory === 'skip'
      ? { selectValue: () => 'skip', onCapture: () => {} }
      : handlerFactory(counter);
  const walker = new JsonWalker(handler, options.file, { containerEndLoop: options.loop });
  let uncompressedBytes = 0;
  for await (const chunk of chunks) {
    uncompressedBytes += chunk.length;
    walker.write(chunk);
  }
  walker.end();
  return { uncompressedBytes, values: counter.values };
}

async function runMrfSearch(options, chunks) {
  const dist = resolve(options.dist);
  const { scanDocument } = await import(pathToFileURL(join(dist, 'search', 'scan-document.js')).href);
  const { makeSearchTarget } = await import(pathToFileURL(join(dist, 'match', 'search-target.js')).href);
  const meta = JSON.parse(readFileSync(`${options.file}.meta.json`, 'utf8'));
  let uncompressedBytes = 0;
  const counted = (async function* (source) {
    for await (const chunk of source) {
      uncompressedBytes += chunk.length;
      yield chunk;
    }
  })(chunks);
  let rows = 0;
  await scanDocument(counted, {
    sourceName: options.file,
    target: makeSearchTarget([Number(meta.npi)]),
    fetchRemote: async (url) => {
      throw new Error(`no remote references in synthetic files (asked for ${url})`);
    },
    events: { onRows: (found) => (rows += found.count), onWarning() {}, onMetadata() {}, onLog() {} },
    reopen: async () => (options.source === 'memory' ? memoryChunks(options.file) : decompressedChunks(options.file, 'gunzip', options.dist)),
  });
  if (rows !== meta.expectedRows) throw new Error(`found ${rows} rows, expected ${meta.expectedRows}`);
  return { uncompressedBytes, values: rows };
}

async function runStreamJson(chunks) {
  const { parser } = await import('stream-json');
  const { pick } = await import('stream-json/filters/pick.js');
  const { streamArray } = await import('stream-json/streamers/stream-array.js');
  let uncompressedBytes = 0;
  let values = 0;
  const counted = Readable.from(
    (async function* () {
      for await (const chunk of chunks) {
        uncompressedBytes += chunk.length;
        yield chunk;
      }
    })(),
  );
  const items = counted
    .pipe(parser.asStream())
    .pipe(pick.asStream({ filter: 'in_network' }))
    .pipe(streamArray.asStream());
  for await (const item of items) {
    if (item.value) values++;
  }
  return { uncompressedBytes, values };
}

async function runSimdjson(options, chunks) {
  if (!options.simdjson) throw new Error('mode simdjson needs --simdjson DIR (a folder with simdjson installed)');
  const require = createRequire(join(resolve(options.simdjson), 'index.js'));
  const simdjson = require('simdjson');
  let uncompressedBytes = 0;
  const pieces = [];
  for await (const chunk of chunks) {
    uncompressedBytes += chunk.length;
    pieces.push(chunk);
  }
  // It takes one string: the whole document, which is why it cannot serve a 40 GB file.
  const document = simdjson.parse(Buffer.concat(pieces).toString('utf8'));
  return { uncompressedBytes, values: document.in_network.length };
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const preloaded = options.source === 'memory' ? memoryChunks(options.file) : undefined;
  const chunks = preloaded ?? decompressedChunks(options.file, options.source, options.dist);
  const startedAt = performance.now();
  const cpuAtStart = process.cpuUsage();
  let result;
  if (options.mode === 'walker-skip') result = await runWalker(options, chunks, 'skip');
  else if (options.mode === 'walker-rates') result = await runWalker(options, chunks, makeRateCapturingHandler);
  else if (options.mode === 'json-parse-items') result = await runWalker(options, chunks, makeItemParsingHandler);
  else if (options.mode === 'mrf-search') result = await runMrfSearch(options, chunks);
  else if (options.mode === 'stream-json') result = await runStreamJson(chunks);
  else if (options.mode === 'simdjson') result = await runSimdjson(options, chunks);
  else throw new Error(`unknown mode '${options.mode}'`);
  const seconds = (performance.now() - startedAt) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  const line = {
    mode: options.mode,
    source: options.source,
    loop: options.mode.startsWith('walker') || options.mode === 'json-parse-items' ? options.loop : undefined,
    uncompressedBytes: result.uncompressedBytes,
    seconds,
    // CPU time of every thread of the process; with --source memory that is the scan's alone,
    // and less disturbed than wall time by other work on a shared machine.
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    mbPerSecond: result.uncompressedBytes / 1e6 / seconds,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    values: result.values,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

await main();
