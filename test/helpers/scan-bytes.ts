import { makeSearchTarget } from '../../src/match/search-target.js';
import type { RemoteFetcher } from '../../src/match/reference-table.js';
import type { RateRow } from '../../src/search/rate-row.js';
import { scanDocument, type DocumentScanResult } from '../../src/search/scan-document.js';

export interface ScanOutcome {
  rows: RateRow[];
  warnings: string[];
  logs: string[];
  metadata: Record<string, string>;
  result?: DocumentScanResult;
  error?: Error;
}

async function* inChunks(bytes: Uint8Array, chunkSize: number): AsyncIterable<Uint8Array> {
  for (let at = 0; at < bytes.length; at += chunkSize) yield bytes.slice(at, at + chunkSize);
}

/** Runs the in-process scanner over a decompressed document, cut into chunks of `chunkSize`. */
export async function scanBytes(
  bytes: Uint8Array,
  search: { npis?: number[]; tins?: string[]; codes?: string[] },
  options: { chunkSize?: number; fetchRemote?: RemoteFetcher; sourceName?: string; useElementFilter?: boolean } = {},
): Promise<ScanOutcome> {
  const chunkSize = options.chunkSize ?? 1 << 20;
  const outcome: ScanOutcome = { rows: [], warnings: [], logs: [], metadata: {} };
  try {
    outcome.result = await scanDocument(inChunks(bytes, chunkSize), {
      sourceName: options.sourceName ?? 'test.json',
      target: makeSearchTarget(search.npis ?? [], search.tins ?? [], search.codes ?? []),
      fetchRemote: options.fetchRemote ?? (async (url) => Promise.reject(new Error(`no remote fixture for ${url}`))),
      reopen: async () => inChunks(bytes, chunkSize),
      useElementFilter: options.useElementFilter,
      events: {
        onRows: (block) => outcome.rows.push(...Buffer.from(block.bytes).toString('utf8').split('\n').slice(0, -1).map((line) => JSON.parse(line) as RateRow)),
        onWarning: (message) => outcome.warnings.push(message),
        onMetadata: (key, value) => {
          outcome.metadata[key] = value;
        },
        onLog: (message) => outcome.logs.push(message),
      },
    });
  } catch (error) {
    outcome.error = error as Error;
  }
  return outcome;
}
