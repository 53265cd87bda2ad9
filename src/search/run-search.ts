import { statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SearchTarget } from '../match/search-target.js';
import type { SourceOptions } from '../sources/open-source.js';
import { NpiRatesError } from '../shared/errors.js';
import { redactUrl, unsignedUrl } from '../shared/redact-url.js';
import type { FileJob, MainMessage, WorkerMessage } from './file-worker-protocol.js';
import { Journal, type FileRecord } from './journal.js';
import type { RowBlock, SearchMessage } from './rate-row.js';
import { RemoteReferenceCache } from './remote-cache.js';
import { RowFlow } from './row-flow.js';
import type { FileProgress, FileSearchResult } from './search-file.js';

/** Most distinct warnings kept per file; the rest are counted in one last warning. */
const MAX_WARNINGS_PER_FILE = 50;

export interface RunEvents {
  onFileStart?(displayName: string, index: number, total: number): void;
  onFileProgress?(displayName: string, progress: FileProgress): void;
  onFileDone?(displayName: string, result: FileSearchResult): void;
  onLog?(message: string): void;
}

export interface SearchRunOptions {
  /** Locations in full; duplicates are searched once. */
  locations: string[];
  target: SearchTarget;
  workers: number;
  sourceOptions: Omit<SourceOptions, 'signal' | 'onBytes' | 'onNotice'>;
  journalPath: string;
  resume: boolean;
  /** What is searched for, in words; --resume refuses a journal written for something else. */
  searchDescription: string;
  /**
   * 'worker' runs each file in its own worker thread (needs the compiled dist/ files);
   * 'in-process' runs files on the calling thread, for library users and tests.
   */
  isolation: 'worker' | 'in-process';
  events?: RunEvents;
  signal?: AbortSignal;
  tempDir?: string;
}

export interface SearchRunResult {
  /** Files skipped because an earlier run (--resume) finished them. */
  resumedFiles: string[];
  /** Files started but not finished when the run was interrupted, then those it never reached. */
  unfinished: SearchMessage[];
  /** How many of `unfinished` the run never reached. */
  notReached: number;
  interrupted: boolean;
  /** How each finished file ended (this run's and, with --resume, the earlier run's). */
  files: ReadonlyMap<string, FileRecord>;
}

/**
 * Searches every location, `workers` files at a time, appending rows and per-file outcomes to
 * the journal as they arrive. One file failing never stops the others.
 */
export async function runSearch(options: SearchRunOptions): Promise<SearchRunResult> {
  const locations = uniqueLocations(options.locations);
  const searchedFiles = new Set(locations.map((location) => redactUrl(location)));
  const stamps = new Map(locations.map((location) => [redactUrl(location), localFileStamp(location)]));
  const { journal, finished } = await Journal.open(options.journalPath, options.resume, options.searchDescription, searchedFiles, (file) =>
    stamps.get(file),
  );
  const remoteCache = new RemoteReferenceCache(options.sourceOptions);
  const queue = locations.filter((location) => !finished.has(redactUrl(location)));
  const total = queue.length;
  const started = new Set<string>();
  const done = new Set<string>();
  let nextIndex = 0;
  let appendChain: Promise<void> = Promise.resolve();
  // A journal that cannot be written (a full disk) stops the search: what it found after that
  // would be lost. The failure is reported once everything has stopped.
  let writeFailure: unknown;
  const stopOnWriteFailure = new AbortController();
  const signal = options.signal === undefined ? stopOnWriteFailure.signal : AbortSignal.any([options.signal, stopOnWriteFailure.signal]);
  // Journal writes are chained so records from parallel files never interleave mid-line.
  const append = (write: () => Promise<void>) => {
    appendChain = appendChain
      .then(() => (writeFailure === undefined ? write() : undefined))
      .catch((error: unknown) => {
        writeFailure ??= error;
        stopOnWriteFailure.abort();
      });
    return appendChain;
  };

  const runNext = async (): Promise<void> => {
    while (nextIndex < queue.length && !signal.aborted) {
      const index = nextIndex++;
      const location = queue[index];
      const displayName = redactUrl(location);
      started.add(displayName);
      options.events?.onFileStart?.(displayName, index, total);
      const warnings = new WarningList();
      const job: FileJob = {
        location,
        displayName,
        target: options.target,
        sourceOptions: options.sourceOptions,
        tempDir: options.tempDir,
      };
      const result = await searchOneFile(job, { ...options, signal }, remoteCache, {
        onRows: (rows) => append(() => journal.appendRows(rows)),
        onWarning: (message) => warnings.add(message),
        onLog: (message) => options.events?.onLog?.(message),
        onProgress: (progress) => options.events?.onFileProgress?.(displayName, progress),
      });
      if (signal.aborted && result.error) break;
      const record: FileRecord = {
        kind: 'file',
        source_file: displayName,
        metadata: result.metadata,
        rows_found: result.rowsFound,
        incomplete: result.incomplete,
        warnings: warnings.list(),
      };
      if (result.error) record.error = result.error;
      const stamp = stamps.get(displayName);
      if (stamp !== undefined) record.source_stamp = stamp;
      await append(() => journal.appendFile(record));
      done.add(displayName);
      options.events?.onFileDone?.(displayName, result);
    }
  };

  const workerCount = Math.max(1, Math.min(options.workers, queue.length));
  await Promise.all(Array.from({ length: workerCount }, runNext));
  await appendChain;
  await journal.close().catch((error: unknown) => {
    writeFailure ??= error;
  });
  if (writeFailure !== undefined) throw journalWriteFailed(options.journalPath, writeFailure);
  const unfinished: SearchMessage[] = [...started]
    .filter((name) => !done.has(name))
    .map((name) => ({
      source_file: name,
      message: 'interrupted before the file was finished; the rows shown are partial (use --resume to search it again)',
      code: 'NPI_RATES_INTERRUPTED',
    }));
  // Files the run never reached are named too, so the output says everything that is missing.
  for (const location of queue.slice(nextIndex)) {
    unfinished.push({
      source_file: redactUrl(location),
      message: 'not searched: the run was interrupted before this file began (use --resume to search it)',
      code: 'NPI_RATES_INTERRUPTED',
    });
  }
  return { resumedFiles: [...finished], unfinished, notReached: queue.length - nextIndex, interrupted: options.signal?.aborted ?? false, files: journal.files };
}

/** A local file's size and modification time (undefined for URLs, or a file that cannot be read). */
function localFileStamp(location: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location) && !location.startsWith('file://')) return undefined;
  try {
    const stats = statSync(location.startsWith('file://') ? fileURLToPath(location) : location);
    return `${stats.size}:${stats.mtimeMs}`;
  } catch {
    return undefined;
  }
}

function journalWriteFailed(path: string, error: unknown): NpiRatesError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'ENOSPC' ? 'the disk is full' : (error as Error).message;
  return new NpiRatesError('NPI_RATES_WRITE_FAILED', `cannot write the results journal ${path}: ${reason}; the search was stopped`, {
    hint:
      code === 'ENOSPC'
        ? 'free space on that disk, then run the same command with --resume: finished files are not searched again'
        : 'make sure the output folder can be written, then run the same command with --resume',
    cause: error,
  });
}

interface FileCallbacks {
  /** Resolves once the rows are in the journal. */
  onRows(rows: RowBlock): Promise<void>;
  onWarning(message: string): void;
  onLog(message: string): void;
  onProgress(progress: FileProgress): void;
}

async function searchOneFile(
  job: FileJob,
  options: SearchRunOptions,
  remoteCache: RemoteReferenceCache,
  callbacks: FileCallbacks,
): Promise<FileSearchResult> {
  if (options.isolation === 'in-process') {
    // The scanner loads on the thread that scans; with worker isolation the main thread never needs it.
    const { searchFile } = await import('./search-file.js');
    const rowFlow = new RowFlow();
    return searchFile({
      ...job,
      ...callbacks,
      onRows: (rows) => {
        rowFlow.sent(rows.count);
        void callbacks.onRows(rows).then(() => rowFlow.written(rows.count));
      },
      rowsBackpressure: rowFlow,
      fetchRemote: (url) => remoteCache.fetch(url),
      signal: options.signal,
    });
  }
  return searchFileInWorker(job, remoteCache, callbacks, options.signal);
}

async function searchFileInWorker(
  job: FileJob,
  remoteCache: RemoteReferenceCache,
  callbacks: FileCallbacks,
  signal?: AbortSignal,
): Promise<FileSearchResult> {
  // Loaded on first use: a run with one worker (one file, or --workers 1) scans in-process, without threads.
  const { Worker } = await import('node:worker_threads');
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./file-worker.js', import.meta.url), { workerData: job });
    let result: FileSearchResult | undefined;
    const stop = () => void worker.terminate();
    // An abort while worker_threads was loading stops the thread at once, as a later abort would.
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
    worker.on('message', (message: WorkerMessage) => {
      switch (message.type) {
        case 'rows': {
          const count = message.rows.count;
          void callbacks.onRows(message.rows).then(() => {
            // The worker may have finished meanwhile; then nobody waits for this.
            if (result === undefined) worker.postMessage({ type: 'rows-written', count } satisfies MainMessage);
          });
          break;
        }
        case 'warning':
          callbacks.onWarning(message.message);
          break;
        case 'log':
          callbacks.onLog(message.message);
          break;
        case 'progress':
          callbacks.onProgress(message.progress);
          break;
        case 'fetch-remote':
          remoteCache.fetch(message.url).then(
            (document) => worker.postMessage({ type: 'remote-result', requestId: message.requestId, document } satisfies MainMessage),
            (error: unknown) =>
              worker.postMessage({
                type: 'remote-result',
                requestId: message.requestId,
                error: error instanceof Error ? error.message : String(error),
              } satisfies MainMessage),
          );
          break;
        case 'done':
          result = message.result;
          break;
      }
    });
    const finish = (error?: Error) => {
      signal?.removeEventListener('abort', stop);
      resolve(
        result ?? {
          metadata: {},
          rowsFound: 0,
          incomplete: true,
          usedSecondPass: false,
          rawBytes: 0,
          decompressedBytes: 0,
          error: {
            message: signal?.aborted
              ? `${job.displayName}: interrupted`
              : `${job.displayName}: the search thread stopped unexpectedly (${error?.message ?? 'no result'})`,
            code: signal?.aborted ? 'NPI_RATES_INTERRUPTED' : 'NPI_RATES_WORKER_FAILED',
          },
        },
      );
    };
    worker.on('error', (error) => finish(error));
    worker.on('exit', () => finish());
  });
}

/** A file's warnings, each once, at most MAX_WARNINGS_PER_FILE of them. */
class WarningList {
  private readonly seen = new Set<string>();
  private dropped = 0;

  add(message: string): void {
    if (this.seen.has(message)) return;
    if (this.seen.size >= MAX_WARNINGS_PER_FILE) {
      this.dropped++;
      return;
    }
    this.seen.add(message);
  }

  list(): string[] {
    const messages = [...this.seen];
    if (this.dropped > 0) messages.push(`${this.dropped} more distinct warnings not shown`);
    return messages;
  }
}

/**
 * Each file once, however it was spelled: ./a.json, /abs/a.json and file:///abs/a.json are one
 * file, and so are HTTP://Host/x and http://host/x. The first spelling is kept.
 */
export function uniqueLocations(locations: string[]): string[] {
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const location of locations) {
    const key = canonicalLocation(location);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(location);
  }
  return unique;
}

function canonicalLocation(location: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    try {
      const url = new URL(location);
      // Two links to one file that differ only in their signature are one file.
      return url.protocol === 'file:' ? resolvePath(fileURLToPath(url)) : unsignedUrl(url.href);
    } catch {
      return location;
    }
  }
  return resolvePath(location);
}
