import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import { makeDirectory } from '../shared/make-directory.js';
import path from 'node:path';
import { JsonWalker, walkChunks } from '../scan/json-walker.js';
import type { PathSegment, ValueKind, ValueMode, WalkerHandler } from '../scan/json-walker.js';
import { NpiRatesError, usageError } from '../shared/errors.js';
import { ChunkedNdjsonWriter } from './chunked-ndjson-writer.js';
import { compactJsonLine } from './compact-json-line.js';

export const DEFAULT_CHUNK_BYTES = 100 * 1024 * 1024;
export const HEADER_FILE_NAME = 'header.json';
/** Base name of the chunk files when the document itself is an array. */
const ROOT_ARRAY_NAME = 'items';

export interface SplitArraySummary {
  /** The top-level key as written in the file. */
  key: string;
  elements: number;
  files: string[];
}

export interface SplitSummary {
  /** Every top-level value that is not an array, in file order. */
  header: Record<string, unknown>;
  headerFile: string;
  arrays: SplitArraySummary[];
  /** Decompressed bytes read. */
  bytesRead: number;
  /** Chunk files of an earlier split of the same folder, removed first (they would mix with these). */
  removedEarlierFiles: number;
}

/** `in_network` stays; anything unsafe in a file name becomes `_`. */
function fileBaseName(key: string): string {
  const safe = key.replace(/[^A-Za-z0-9_-]/g, '_');
  return safe === '' ? 'key' : safe;
}

class SplitHandler implements WalkerHandler {
  readonly header: Record<string, unknown> = {};
  readonly arrays = new Map<string, { summary: SplitArraySummary; writer: ChunkedNdjsonWriter }>();
  private isRootArray = false;
  private current?: ChunkedNdjsonWriter;
  private readonly usedBaseNames = new Set<string>();
  private readonly decoder = new TextDecoder('utf-8');

  constructor(
    private readonly directory: string,
    private readonly chunkBytes: number,
    private readonly sourceName: string,
  ) {}

  selectValue(valuePath: readonly PathSegment[], kind: ValueKind): ValueMode {
    if (valuePath.length === 0) {
      if (kind === 'array') {
        this.isRootArray = true;
        this.startArray(ROOT_ARRAY_NAME);
        return 'descend';
      }
      if (kind === 'object') return 'descend';
      throw new NpiRatesError('NPI_RATES_NOT_SPLITTABLE', `${this.sourceName}: the document is a JSON ${kind}; only an object or an array can be split`);
    }
    if (valuePath.length === 1 && !this.isRootArray && kind === 'array') {
      this.startArray(String(valuePath[0]));
      return 'descend';
    }
    return 'capture';
  }

  onCapture(valuePath: readonly PathSegment[], bytes: Uint8Array, offset: number): void | 'pause' {
    if (this.current && valuePath.length === (this.isRootArray ? 1 : 2)) {
      return this.current.writeLine(compactJsonLine(bytes)) ? 'pause' : undefined;
    }
    const key = String(valuePath[0]);
    try {
      this.header[key] = JSON.parse(this.decoder.decode(bytes));
    } catch (error) {
      throw new NpiRatesError(
        'NPI_RATES_BAD_JSON',
        `${this.sourceName}: invalid JSON in the top-level value '${key}' (starting at byte ${offset}, decompressed): ${(error as Error).message}`,
        { hint: 'the file is damaged; download it again or report it to the publisher', details: { offset } },
      );
    }
  }

  onExit(valuePath: readonly PathSegment[], kind: 'object' | 'array'): void | 'pause' {
    if (kind !== 'array' || valuePath.length !== (this.isRootArray ? 0 : 1) || !this.current) return;
    this.current.finishChunk();
    this.current = undefined;
    return 'pause';
  }

  async settle(): Promise<void> {
    for (const { writer } of this.arrays.values()) await writer.settle();
  }

  async close(): Promise<void> {
    for (const { writer, summary } of this.arrays.values()) {
      await writer.close();
      summary.elements = writer.lines;
      summary.files = [...writer.files];
    }
  }

  async abort(): Promise<void> {
    for (const { writer } of this.arrays.values()) await writer.abort();
  }

  /** A key seen twice continues its numbering rather than overwriting the first run of files. */
  private startArray(key: string): void {
    let entry = this.arrays.get(key);
    if (!entry) {
      let baseName = fileBaseName(key);
      for (let suffix = 2; this.usedBaseNames.has(baseName); suffix += 1) baseName = `${fileBaseName(key)}_${suffix}`;
      this.usedBaseNames.add(baseName);
      entry = { summary: { key, elements: 0, files: [] }, writer: new ChunkedNdjsonWriter(this.directory, baseName, this.chunkBytes) };
      this.arrays.set(key, entry);
    }
    this.current = entry.writer;
  }
}

/**
 * Splits a JSON document (an MRF, an index) streaming: each top-level array becomes NDJSON files
 * of one element per line, chunked by size (`in_network.000.ndjson`, ...), and the other
 * top-level values go to header.json, which is written last: without it the split did not finish.
 * Elements are copied as bytes (whitespace removed), not re-encoded, so numbers keep their digits.
 */
export async function splitJsonStream(
  chunks: AsyncIterable<Uint8Array>,
  sourceName: string,
  outDirectory: string,
  options: { chunkBytes?: number } = {},
): Promise<SplitSummary> {
  await makeDirectory(outDirectory).catch((error: NodeJS.ErrnoException) => {
    throw usageError(
      'NPI_RATES_OUTPUT_UNWRITABLE',
      `cannot create the output folder ${outDirectory}: ${error.code === 'EEXIST' || error.code === 'ENOTDIR' ? 'a file is in the way' : error.message}`,
      'give -o a folder path (it is created when missing)',
    );
  });
  const headerFile = path.join(outDirectory, HEADER_FILE_NAME);
  // A header left by an earlier split of the same folder must not vouch for this run's files,
  // and its chunk files (in_network.011.ndjson of a split into smaller chunks) would mix with them.
  await rm(headerFile, { force: true });
  const removedEarlierFiles = await removeEarlierChunks(outDirectory);
  const handler = new SplitHandler(outDirectory, options.chunkBytes ?? DEFAULT_CHUNK_BYTES, sourceName);
  const walker = new JsonWalker(handler, sourceName);

  try {
    await walkChunks(walker, chunks, () => handler.settle());
    await handler.close();
  } catch (error) {
    await handler.abort();
    throw error;
  }

  const tempHeader = `${headerFile}.partial`;
  await writeFile(tempHeader, `${JSON.stringify(handler.header, null, 2)}\n`);
  await rename(tempHeader, headerFile);
  return {
    header: handler.header,
    headerFile,
    arrays: [...handler.arrays.values()].map((entry) => entry.summary),
    bytesRead: walker.offset,
    removedEarlierFiles,
  };
}

/** Removes the chunk files (`NAME.000.ndjson`) an earlier split left in the folder; returns how many. */
async function removeEarlierChunks(outDirectory: string): Promise<number> {
  const names = (await readdir(outDirectory)).filter((name) => /^.+\.\d{3,}\.ndjson$/.test(name));
  await Promise.all(names.map((name) => rm(path.join(outDirectory, name), { force: true })));
  return names.length;
}
