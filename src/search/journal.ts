import { createReadStream, createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { usageError } from '../shared/errors.js';
import type { RateRow, SearchMessage } from './rate-row.js';

/** How one file ended, as the journal records it once the file is finished. */
export interface FileRecord {
  kind: 'file';
  source_file: string;
  metadata: Record<string, string>;
  rows_found: number;
  incomplete: boolean;
  error?: { message: string; code?: string };
  warnings: string[];
}

export interface RowsRecord {
  kind: 'rows';
  source_file: string;
  rows: RateRow[];
}

/** First record of a journal: what was searched for, so --resume never mixes two searches. */
export interface RunRecord {
  kind: 'run';
  search: string;
}

export type JournalRecord = RunRecord | FileRecord | RowsRecord;

/**
 * An append-only NDJSON log of a search, next to its output: rows as they are found and one
 * record per finished file. The final output is built from it, so a crash or Ctrl-C loses
 * nothing that was found, and --resume skips the files it lists as finished.
 */
export class Journal {
  private constructor(
    readonly path: string,
    private readonly stream: WriteStream,
  ) {}

  /**
   * Opens the journal for a new run. With `resume`, the records of files an earlier run
   * finished without error are kept (returned, so those files are skipped) and the rest dropped.
   */
  static async open(
    path: string,
    resume: boolean,
    search: string,
  ): Promise<{ journal: Journal; finished: Set<string> }> {
    const finished = new Set<string>();
    if (resume && existsSync(path)) {
      const kept = `${path}.resume`;
      const records: JournalRecord[] = [];
      for await (const record of readJournal(path)) records.push(record);
      const earlier = records.find((record): record is RunRecord => record.kind === 'run');
      if (earlier && earlier.search !== search) {
        throw usageError(
          'NPI_RATES_RESUME_MISMATCH',
          `--resume: the journal ${path} belongs to a different search (${earlier.search}; now ${search})`,
          'run the same search again with --resume, or choose another -o, or drop --resume to start over',
        );
      }
      for (const record of records) {
        if (record.kind === 'file' && !record.error) finished.add(record.source_file);
      }
      const out = createWriteStream(kept);
      for (const record of records) {
        if (record.kind !== 'run' && finished.has(record.source_file)) out.write(`${JSON.stringify(record)}\n`);
      }
      out.end();
      await once(out, 'close');
      await rename(kept, path);
    } else {
      await rm(path, { force: true });
    }
    const stream = createWriteStream(path, { flags: 'a' });
    await once(stream, 'open');
    const journal = new Journal(path, stream);
    await journal.append({ kind: 'run', search });
    return { journal, finished };
  }

  async append(record: JournalRecord): Promise<void> {
    if (!this.stream.write(`${JSON.stringify(record)}\n`)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (this.stream.closed) return;
    this.stream.end();
    await once(this.stream, 'close');
  }
}

/** Reads a journal line by line; a torn last line (a crash mid-write) is ignored. */
export async function* readJournal(path: string): AsyncIterable<JournalRecord> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    try {
      yield JSON.parse(line) as JournalRecord;
    } catch {
      // Only the last line can be torn; everything before it was written whole.
    }
  }
}

/** Per-file outcomes of a journal, for the final output's counts, errors and warnings. */
export async function readFileRecords(path: string): Promise<Map<string, FileRecord>> {
  const files = new Map<string, FileRecord>();
  for await (const record of readJournal(path)) {
    if (record.kind === 'file') files.set(record.source_file, record);
  }
  return files;
}

export function fileMessages(records: Iterable<FileRecord>): { errors: SearchMessage[]; warnings: SearchMessage[] } {
  const errors: SearchMessage[] = [];
  const warnings: SearchMessage[] = [];
  for (const record of records) {
    if (record.error) errors.push({ source_file: record.source_file, message: record.error.message, code: record.error.code });
    for (const message of record.warnings) warnings.push({ source_file: record.source_file, message });
  }
  return { errors, warnings };
}
