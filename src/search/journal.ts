import { createReadStream, createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { usageError } from '../shared/errors.js';
import { BlockWriter } from './block-writer.js';
import type { RowBlock, SearchMessage } from './rate-row.js';

/** How one file ended, as the journal records it once the file is finished. */
export interface FileRecord {
  kind: 'file';
  source_file: string;
  metadata: Record<string, string>;
  rows_found: number;
  incomplete: boolean;
  error?: { message: string; code?: string };
  warnings: string[];
  /** A local file's size and modification time when it was searched, so --resume sees a change. */
  source_stamp?: string;
}

/** First record of a journal: what was searched for, so --resume never mixes two searches. */
export interface RunRecord {
  kind: 'run';
  search: string;
}

type JournalRecord = RunRecord | FileRecord;

/**
 * How much the journal's stream buffers before a writer must wait: a few of BlockWriter's
 * blocks, so that rows wait for the disk only when it falls behind by that much. With the
 * default 16 KiB every block write made the next one wait, the rows of the items found
 * meanwhile outlived young-generation collections, and the heap grew by 50 MB.
 */
const WRITE_AHEAD_BYTES = 4 * 1024 * 1024;

/** Row lines are rows as the output shows them; every other line starts with this. */
export const RECORD_PREFIX = '{"kind":';

/**
 * An append-only NDJSON log of a search, next to its output: one line per row as rows are
 * found, and one record per finished file. The final output is built from it, so a crash or
 * Ctrl-C loses nothing that was found, and --resume skips the files it lists as finished.
 * Lines reach the file in blocks, at most FLUSH_DELAY_MS (block-writer.ts) after they were
 * appended, and all of them on close().
 */
export class Journal {
  /** The finished files, kept in memory (they are few and small) for the final output. */
  readonly files = new Map<string, FileRecord>();
  private readonly writer: BlockWriter;

  private constructor(
    readonly path: string,
    private readonly stream: WriteStream,
  ) {
    this.writer = new BlockWriter(stream);
  }

  /**
   * Opens the journal for a new run. With `resume`, what an earlier run of the same search
   * wrote for files it finished without error is kept (those files are then skipped); the rest
   * is dropped.
   */
  /**
   * `searchedFiles`: the files of this run, by display name; with --resume, finished files of the
   * journal that are not among them (the list changed) are dropped with their rows.
   */
  static async open(
    path: string,
    resume: boolean,
    search: string,
    searchedFiles?: ReadonlySet<string>,
    stampOf: (sourceFile: string) => string | undefined = () => undefined,
  ): Promise<{ journal: Journal; finished: Set<string> }> {
    const kept = new Map<string, FileRecord>();
    if (resume && existsSync(path)) {
      for await (const line of readJournalLines(path)) {
        if (!line.startsWith(RECORD_PREFIX)) continue;
        const record = parseLine(line) as JournalRecord | undefined;
        if (record?.kind === 'run' && record.search !== search) {
          throw usageError(
            'NPI_RATES_RESUME_MISMATCH',
            `--resume: the journal ${path} belongs to a different search (${record.search}; now ${search})`,
            'run the same search again with --resume, or choose another -o, or drop --resume to start over',
          );
        }
        const isSearchedNow = searchedFiles === undefined || (record?.kind === 'file' && searchedFiles.has(record.source_file));
        // A local file that changed since it was searched is searched again.
        const isUnchanged = record?.kind === 'file' && (record.source_stamp === undefined || record.source_stamp === stampOf(record.source_file));
        if (record?.kind === 'file' && !record.error && isSearchedNow && isUnchanged) kept.set(record.source_file, record);
      }
      const keptPath = `${path}.resume`;
      const out = createWriteStream(keptPath);
      for await (const line of readJournalLines(path)) {
        const source = line.startsWith(RECORD_PREFIX) ? (parseLine(line) as FileRecord | undefined)?.source_file : rowSource(line);
        if (source !== undefined && kept.has(source) && !out.write(`${line}\n`)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'close');
      await rename(keptPath, path);
    } else {
      await rm(path, { force: true });
    }
    const stream = createWriteStream(path, { flags: 'a', highWaterMark: WRITE_AHEAD_BYTES });
    await once(stream, 'open');
    const journal = new Journal(path, stream);
    for (const [source, record] of kept) journal.files.set(source, record);
    await journal.writer.write(`${JSON.stringify({ kind: 'run', search } satisfies RunRecord)}\n`);
    return { journal, finished: new Set(kept.keys()) };
  }

  async appendRows(rows: RowBlock): Promise<void> {
    await this.writer.writeBytes(rows.bytes);
  }

  /** The file's record, after its rows; written at once, as a finished file is a natural checkpoint. */
  async appendFile(record: FileRecord): Promise<void> {
    this.files.set(record.source_file, record);
    await this.writer.write(`${JSON.stringify(record)}\n`);
    await this.writer.flush();
  }

  async close(): Promise<void> {
    if (this.stream.closed) return;
    await this.writer.flush();
    this.stream.end();
    await once(this.stream, 'close');
  }
}

const NEWLINE = 0x0a;
const READ_BLOCK_BYTES = 1024 * 1024;

/**
 * The journal's bytes in blocks of whole lines, each line ending in '\n'. A torn last line (a
 * crash mid-write) comes last, given a '\n' too; its readers skip it when it does not parse.
 * Splitting bytes at '\n' is safe: JSON text never holds a raw newline, and UTF-8 never uses
 * 0x0a inside a multi-byte character.
 */
export async function* readJournalBlocks(path: string): AsyncIterable<Buffer> {
  let carry: Buffer | undefined;
  for await (const chunk of createReadStream(path, { highWaterMark: READ_BLOCK_BYTES }) as AsyncIterable<Buffer>) {
    let start = 0;
    if (carry !== undefined) {
      // Only the line cut by the chunk boundary is copied, not the whole chunk.
      const firstNewline = chunk.indexOf(NEWLINE);
      if (firstNewline < 0) {
        carry = Buffer.concat([carry, chunk]);
        continue;
      }
      yield Buffer.concat([carry, chunk.subarray(0, firstNewline + 1)]);
      carry = undefined;
      start = firstNewline + 1;
    }
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline >= start) yield chunk.subarray(start, lastNewline + 1);
    const rest = Math.max(start, lastNewline + 1);
    if (rest < chunk.length) carry = chunk.subarray(rest);
  }
  if (carry !== undefined) yield Buffer.concat([carry, Buffer.of(NEWLINE)]);
}

/** Calls `visit` with the start and end (the '\n', or the block's end) of each non-empty line of a block. */
export function forEachLine(block: Buffer, visit: (start: number, end: number) => void): void {
  let start = 0;
  while (start < block.length) {
    let end = block.indexOf(NEWLINE, start);
    if (end < 0) end = block.length;
    if (end > start) visit(start, end);
    start = end + 1;
  }
}

/** The journal's lines as text (for --resume, which reads only a few of them closely). */
export async function* readJournalLines(path: string): AsyncIterable<string> {
  for await (const block of readJournalBlocks(path)) {
    const lines: string[] = [];
    forEachLine(block, (start, end) => lines.push(block.toString('utf8', start, end)));
    yield* lines;
  }
}

/** A row line starts with `{"source_file":"...",`: its source is read without parsing the row. */
export function rowSource(line: string): string | undefined {
  const start = '{"source_file":'.length;
  let end = start + 1;
  while (end < line.length) {
    const quote = line.indexOf('"', end);
    if (quote < 0) return undefined;
    let backslashes = 0;
    while (line[quote - 1 - backslashes] === '\\') backslashes++;
    if (backslashes % 2 === 0) {
      end = quote + 1;
      return parseLine(line.slice(start, end)) as string | undefined;
    }
    end = quote + 1;
  }
  return undefined;
}

function parseLine(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Only the last line can be torn; everything before it was written whole.
    return undefined;
  }
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
