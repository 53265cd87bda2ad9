import type { SearchTarget } from '../match/search-target.js';
import type { SourceOptions } from '../sources/open-source.js';
import type { RowBlock } from './rate-row.js';
import type { FileProgress, FileSearchResult } from './search-file.js';

/** What a worker thread needs to search one file (structured-clone safe: no functions). */
export interface FileJob {
  location: string;
  displayName: string;
  target: SearchTarget;
  sourceOptions: Omit<SourceOptions, 'signal' | 'onBytes' | 'onNotice'>;
  tempDir?: string;
}

/** Messages from a worker to the main thread. */
export type WorkerMessage =
  | { type: 'rows'; rows: RowBlock }
  | { type: 'warning'; message: string }
  | { type: 'log'; message: string }
  | { type: 'progress'; progress: FileProgress }
  | { type: 'fetch-remote'; requestId: number; url: string }
  | { type: 'done'; result: FileSearchResult };

/** Messages from the main thread to a worker. */
export type MainMessage =
  | { type: 'remote-result'; requestId: number; document?: unknown; error?: string }
  /** This many rows of the worker's are now in the journal. */
  | { type: 'rows-written'; count: number };
