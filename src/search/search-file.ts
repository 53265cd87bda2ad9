import { decodeLayers } from '../sources/decode-layers.js';
import { openByteStream, type SourceOptions } from '../sources/open-source.js';
import type { RemoteFetcher } from '../match/reference-table.js';
import type { SearchTarget } from '../match/search-target.js';
import { describeError, NpiRatesError } from '../shared/errors.js';
import { redactUrlsInText } from '../shared/redact-url.js';
import { CompressedSpool } from './compressed-spool.js';
import type { RowBlock } from './rate-row.js';
import type { RowsBackpressure } from './row-flow.js';
import { scanDocument } from './scan-document.js';

/** Progress of one file, throttled by the caller. Byte counts are raw (as downloaded). */
export interface FileProgress {
  rawBytes: number;
  totalRawBytes?: number;
  rowsFound: number;
}

export interface FileSearchOptions {
  /** Where to read from, in full (signed query strings included). */
  location: string;
  /** What people see: the location without credentials. */
  displayName: string;
  target: SearchTarget;
  sourceOptions: SourceOptions;
  fetchRemote: RemoteFetcher;
  onRows(rows: RowBlock): void;
  /** Bounds the rows in flight to the writer (see row-flow.ts). */
  rowsBackpressure?: RowsBackpressure;
  onWarning(message: string): void;
  onLog(message: string): void;
  onProgress?(progress: FileProgress): void;
  tempDir?: string;
  signal?: AbortSignal;
}

export interface FileSearchResult {
  metadata: Record<string, string>;
  rowsFound: number;
  /**
   * True when rows may be missing: the file failed part-way, groups were unresolved, or its
   * rates could not all be matched (no provider_references, or some after in_network).
   */
  incomplete: boolean;
  error?: { message: string; code?: string };
  usedSecondPass: boolean;
  rawBytes: number;
  decompressedBytes: number;
}

/**
 * Searches one file: open -> (copy while the layout is unknown) -> decompress -> scan. Never
 * throws: a failure becomes `error` in the result, and rows found before it stay reported.
 */
export async function searchFile(options: FileSearchOptions): Promise<FileSearchResult> {
  const metadata: Record<string, string> = {};
  let spool: CompressedSpool | undefined;
  let rowsFound = 0;
  let rawBytes = 0;
  let totalRawBytes: number | undefined;
  const report = () => options.onProgress?.({ rawBytes, totalRawBytes, rowsFound });
  const result: FileSearchResult = {
    metadata,
    rowsFound: 0,
    incomplete: false,
    usedSecondPass: false,
    rawBytes: 0,
    decompressedBytes: 0,
  };
  try {
    const stream = await openByteStream(options.location, {
      ...options.sourceOptions,
      signal: options.signal,
      onBytes: (count) => {
        rawBytes = count;
        report();
      },
      onNotice: (message) => options.onLog(message.startsWith(options.displayName) ? message : `${options.displayName}: ${message}`),
    });
    totalRawBytes = stream.totalBytes;
    report();
    // A second pass reads a local file again; any other source is copied while it streams.
    const readAgain = stream.readAgain;
    const copy = readAgain ? undefined : new CompressedSpool(options.tempDir);
    spool = copy;
    const decoded = (raw: AsyncIterable<Uint8Array>) => stopOnAbort(decodeLayers(raw, options.displayName, { onWarning: options.onWarning }), options.signal);
    const scan = await scanDocument(decoded(copy ? copy.tee(stream.chunks) : stream.chunks), {
      sourceName: options.displayName,
      location: options.location,
      target: options.target,
      fetchRemote: options.fetchRemote,
      rowsBackpressure: options.rowsBackpressure,
      tempDir: options.tempDir,
      reopen: async () => decoded(copy ? copy.read() : readAgain!()),
      reopenedFrom: copy ? undefined : 'the file again',
      events: {
        onRows: (rows) => {
          rowsFound += rows.count;
          options.onRows(rows);
          report();
        },
        onWarning: (message) => options.onWarning(message),
        onMetadata: (key, value) => {
          metadata[key] = value;
        },
        onLog: options.onLog,
        onLayoutKnown: (isInNetworkFirst) => (isInNetworkFirst ? copy?.keep() : copy?.drop()),
      },
    });
    result.usedSecondPass = scan.usedSecondPass;
    result.decompressedBytes = scan.decompressedBytes;
    result.incomplete = scan.unresolvedGroupIds.length > 0 || scan.mayMissRows;
  } catch (error) {
    result.incomplete = true;
    result.error = {
      message: redactUrlsInText(describeError(error)),
      code: error instanceof NpiRatesError ? error.code : undefined,
    };
  } finally {
    await spool?.cleanup();
  }
  result.rowsFound = rowsFound;
  result.rawBytes = rawBytes;
  return result;
}

/**
 * Decoded bytes that end with the abort reason once the search is stopped (Ctrl-C, SIGTERM). The
 * sources stop too, but a compressed chunk can inflate to far more than one decoded chunk, and a
 * second pass reads a copy that has no connection to abort.
 */
async function* stopOnAbort(chunks: AsyncIterable<Uint8Array>, signal: AbortSignal | undefined): AsyncIterable<Uint8Array> {
  for await (const chunk of chunks) {
    signal?.throwIfAborted();
    yield chunk;
  }
}
