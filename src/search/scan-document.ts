import { NpiRatesError } from '../shared/errors.js';
import { ReferenceTable, type RemoteFetcher } from '../match/reference-table.js';
import { RowDeduper } from '../match/row-dedupe.js';
import { SpillFile } from '../match/spill-file.js';
import type { SearchTarget } from '../match/search-target.js';
import { JsonWalker, walkChunks } from '../scan/json-walker.js';
import { MrfScanner, type ScanPass } from '../scan/mrf-scanner.js';
import type { RowBlock } from './rate-row.js';
import type { RowsBackpressure } from './row-flow.js';

export interface DocumentScanEvents {
  onRows(rows: RowBlock): void;
  onWarning(message: string): void;
  onMetadata(key: string, value: string): void;
  /** One-line notices for the log (the second pass, say). */
  onLog(message: string): void;
  /** The first of provider_references / in_network was met: the spool can be kept or dropped. */
  onLayoutKnown?(isInNetworkFirst: boolean): void;
}

export interface DocumentScanOptions {
  sourceName: string;
  /** Where the file was read from (in full): a relative remote `location` is resolved against it. */
  location?: string;
  target: SearchTarget;
  fetchRemote: RemoteFetcher;
  events: DocumentScanEvents;
  /** Bounds the rows in flight to the writer; without it rows are never waited for. */
  rowsBackpressure?: RowsBackpressure;
  /**
   * Decompressed bytes of the same document again, for the second pass a file needs when its
   * in_network comes before provider_references (read from a spooled compressed copy).
   */
  reopen(): Promise<AsyncIterable<Uint8Array>>;
  /** What reopen() reads, for the log line of a second pass. @default 'a temporary copy of the compressed file' */
  reopenedFrom?: string;
  /** Where the row de-duplication may keep a temporary file (os.tmpdir() by default). */
  tempDir?: string;
  /** false reads every negotiated rate in JavaScript (a cross-check for the WebAssembly filter). */
  useElementFilter?: boolean;
}

export interface DocumentScanResult {
  rowsFound: number;
  decompressedBytes: number;
  usedSecondPass: boolean;
  /** Provider group ids that could not be resolved (remote fetch failed, unsupported scheme). */
  unresolvedGroupIds: string[];
  /**
   * The file was read to its end, yet rows may be missing, for the reasons given as warnings:
   * rates refer to group ids and the file defines no groups, or groups came after the rates.
   */
  mayMissRows: boolean;
}

/**
 * Scans one decompressed MRF: a single pass normally; when in_network comes first, a second
 * pass over in_network once the provider references are known.
 */
export async function scanDocument(
  decoded: AsyncIterable<Uint8Array>,
  options: DocumentScanOptions,
): Promise<DocumentScanResult> {
  const deduper = new RowDeduper(options.tempDir);
  const rowsSpill = new SpillFile('item-rows.bin', options.tempDir);
  try {
    return await scanPasses(decoded, options, { deduper, rowsSpill });
  } finally {
    deduper.close();
    rowsSpill.close();
  }
}

/** What both passes over a file share: which rows were written, and where a large item's rows wait. */
interface RowStores {
  deduper: RowDeduper;
  rowsSpill: SpillFile;
}

async function scanPasses(decoded: AsyncIterable<Uint8Array>, options: DocumentScanOptions, stores: RowStores): Promise<DocumentScanResult> {
  const { sourceName, target, events } = options;
  const table = new ReferenceTable(target, options.fetchRemote, events.onWarning, options.location);
  const first = await runFirstPass(decoded, options, table, stores);
  let { rowsFound, decompressedBytes } = first;
  const usedSecondPass = first.needsReferencesPass;
  if (usedSecondPass) {
    events.onLog(
      `${sourceName}: in_network comes before provider_references; ` +
        `re-scanning in_network from ${options.reopenedFrom ?? 'a temporary copy of the compressed file'}`,
    );
    // Also in the output, which outlives the log: it says why the file took two reads, and that no row was lost.
    events.onWarning(
      'in_network comes before provider_references, so in_network was read a second time, once the provider groups were known (slower, but no rate is missed for it)',
    );
    const second = await runPass(await options.reopen(), options, table, stores, 'references-only', first.inNetworkValuesRead);
    rowsFound += second.rowsFound;
    decompressedBytes += second.decompressedBytes;
  }
  return { rowsFound, decompressedBytes, usedSecondPass, unresolvedGroupIds: [...table.unresolvedIds.keys()], mayMissRows: first.mayMissRows };
}

/** What the first pass leaves for the rest: its scanner and walker are gone before a second pass starts. */
interface FirstPass {
  rowsFound: number;
  decompressedBytes: number;
  needsReferencesPass: boolean;
  inNetworkValuesRead: number;
  mayMissRows: boolean;
}

async function runFirstPass(decoded: AsyncIterable<Uint8Array>, options: DocumentScanOptions, table: ReferenceTable, stores: RowStores): Promise<FirstPass> {
  const { sourceName, target, events } = options;
  const scanner = new MrfScanner({
    sourceName,
    target,
    table,
    ...stores,
    pass: 'full',
    useElementFilter: options.useElementFilter,
    events: { ...events, isRowsFull: () => options.rowsBackpressure?.isFull() ?? false },
  });
  const walker = new JsonWalker(scanner, sourceName);
  try {
    await walkScanning(scanner, options.events.onWarning, walker, decoded, () => waitForPause(scanner, table, options));
  } catch (error) {
    await matchWhatIsKnown(error, scanner, table, options, stores);
    throw error;
  }
  await table.settle();
  if (!scanner.hasSeenInNetwork) {
    throw new NpiRatesError(
      'NPI_RATES_NOT_MRF',
      `${sourceName}: no in_network array in this JSON document, so it holds no negotiated rates`,
      { hint: 'is it a table of contents (use --toc-url) or an allowed-amounts file?' },
    );
  }
  if (scanner.missedLateReferences) {
    events.onWarning(
      'provider_references appears again after in_network (the key is repeated) and holds wanted provider groups: rates read ' +
        'before it that refer to them are not matched, so rows may be missing',
    );
  }
  if (scanner.hasReferencesWithoutTable) {
    events.onWarning(
      'negotiated rates refer to provider groups by provider_references id, but the file defines no ' +
        'provider_references, so those rates cannot be matched to any provider (are the references published in a separate file?)',
    );
  }
  return {
    rowsFound: scanner.rowsFound,
    decompressedBytes: walker.offset,
    needsReferencesPass: scanner.needsReferencesPass,
    inNetworkValuesRead: scanner.inNetworkValuesRead,
    mayMissRows: scanner.hasReferencesWithoutTable || scanner.missedLateReferences,
  };
}

/**
 * The file failed inside provider_references after a whole in_network (in_network first, a file
 * cut off near its end): the groups read before the fault are still matched to the rates, by the
 * second pass, before the failure is reported, so their rows are not lost.
 */
async function matchWhatIsKnown(failure: unknown, scanner: MrfScanner, table: ReferenceTable, options: DocumentScanOptions, stores: RowStores): Promise<void> {
  if (!scanner.isInNetworkFirst || !scanner.hasReadWholeInNetwork || !scanner.needsReferencesPass) return;
  if (failure instanceof Error && failure.name === 'AbortError') return;
  options.events.onLog(
    `${options.sourceName}: the file failed after in_network; re-scanning in_network for the provider groups read before the fault`,
  );
  try {
    await table.settle();
    await runPass(await options.reopen(), options, table, stores, 'references-only', scanner.inNetworkValuesRead);
  } catch {
    // The first failure is the one reported; this pass only adds what it could.
  }
}

async function runPass(
  decoded: AsyncIterable<Uint8Array>,
  options: DocumentScanOptions,
  table: ReferenceTable,
  stores: RowStores,
  pass: ScanPass,
  inNetworkValues: number,
): Promise<{ rowsFound: number; decompressedBytes: number }> {
  const scanner = new MrfScanner({
    sourceName: options.sourceName,
    target: options.target,
    table,
    ...stores,
    pass,
    inNetworkValues,
    useElementFilter: options.useElementFilter,
    // Metadata and layout were reported by the first pass.
    events: {
      ...options.events,
      onMetadata: () => {},
      onLayoutKnown: undefined,
      isRowsFull: () => options.rowsBackpressure?.isFull() ?? false,
    },
  });
  const walker = new JsonWalker(scanner, options.sourceName);
  // The first pass checked the whole document; this one stops where in_network ends.
  await walkScanning(scanner, options.events.onWarning, walker, decoded, () => waitForPause(scanner, table, options), () => scanner.hasReadAllItNeeds);
  return { rowsFound: scanner.rowsFound, decompressedBytes: walker.offset };
}

/**
 * Transport failures that, once the whole document has arrived, cost nothing: a server whose
 * Content-Length promised more than it sent, then could not resume the missing "rest".
 */
const TRANSPORT_FAILURES = new Set([
  'NPI_RATES_SHORT_BODY',
  'NPI_RATES_RANGE_IGNORED',
  'NPI_RATES_BAD_CONTENT_RANGE',
  'NPI_RATES_LENGTH_MISMATCH',
  'NPI_RATES_DOWNLOAD_FAILED',
  'NPI_RATES_CONNECTION_FAILED',
  'NPI_RATES_STALLED',
  'NPI_RATES_SOURCE_CHANGED',
]);

/**
 * walkChunks, keeping the rows of an item the document failed inside (see salvageOpenItem). A
 * transport failure after the JSON document was read to its closing bracket is only a warning:
 * every byte of the document arrived (the layers below hand on what they received first).
 */
async function walkScanning(scanner: MrfScanner, warn: (message: string) => void, ...walk: Parameters<typeof walkChunks>): Promise<void> {
  const walker = walk[0];
  try {
    await walkChunks(...walk);
  } catch (error) {
    if (walker.isDocumentComplete && error instanceof NpiRatesError && TRANSPORT_FAILURES.has(error.code)) {
      warn(`the whole JSON document arrived, then the transfer failed (${error.message}); no rate is missing, but the server did not answer as it announced`);
      return;
    }
    scanner.salvageOpenItem();
    throw error;
  }
}

/**
 * What a paused scan waits for: remote reference files, and the writer catching up on rows,
 * between the blocks of a large item's rows.
 */
async function waitForPause(scanner: MrfScanner, table: ReferenceTable, options: DocumentScanOptions): Promise<void> {
  await table.settle();
  await options.rowsBackpressure?.drained();
  while (!scanner.emitFinishedRows()) await options.rowsBackpressure?.drained();
}
