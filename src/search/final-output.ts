import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { writeCsvBatches } from '../writers/csv-writer.js';
import { JSON_ROW_FRAMING, writeJsonDocumentBlocks } from '../writers/json-writer.js';
import { writeBlocks } from '../writers/write-text.js';
import type { OutputFormat } from '../writers/output-format.js';
import { fileMessages, forEachLine, readJournalBlocks, type FileRecord } from './journal.js';
import type { RateRow, SearchMessage, SearchParams } from './rate-row.js';
import { RowSplicer, type FileFacts, type RowFraming } from './row-splicer.js';

/** Output buffered before the splicing waits for the disk, so that the two overlap. */
const WRITE_AHEAD_BYTES = 4 * 1024 * 1024;

/** One row per line, as NDJSON writes them (and as CSV reads them back). */
const LINE_FRAMING: RowFraming = { beforeFirst: '', beforeNext: '', after: '\n' };

export interface FinalOutputOptions {
  journalPath: string;
  /** The finished files (Journal.files). */
  files: ReadonlyMap<string, FileRecord>;
  /** A local path, or '-' for `stdout`. */
  outputPath: string;
  /** Write straight into outputPath (a device or FIFO) instead of a temporary file renamed over it. */
  writeInPlace?: boolean;
  format: OutputFormat;
  stdout: NodeJS.WritableStream;
  params: Omit<SearchParams, 'searched_files' | 'matched_files'>;
  /** Files that were started but never finished (Ctrl-C): their rows are partial. */
  unfinishedErrors: SearchMessage[];
  /** Problems of the run rather than of one searched file (index entries that could not be searched). */
  runErrors?: SearchMessage[];
  runWarnings: SearchMessage[];
}

export interface FinalOutputSummary {
  searchedFiles: number;
  matchedFiles: number;
  rows: number;
  failedFiles: number;
  incompleteFiles: number;
  /** One line per failed or incomplete file, for the end of the log (the output may be CSV). */
  problems: string[];
}

/**
 * Writes the output from the journal: rows get their file's metadata, and rows of a file that
 * failed part-way are flagged. A local output is written to a temporary name and renamed, so a
 * reader never sees half a file.
 */
export async function writeFinalOutput(options: FinalOutputOptions): Promise<FinalOutputSummary> {
  const files = options.files;
  const unfinished = new Set(options.unfinishedErrors.map((error) => error.source_file));
  const records = [...files.values()];
  const summary: FinalOutputSummary = {
    searchedFiles: files.size,
    matchedFiles: records.filter((file) => file.rows_found > 0).length,
    rows: 0,
    failedFiles: records.filter((file) => file.error).length,
    incompleteFiles: records.filter((file) => file.incomplete && !file.error).length,
    problems: [],
  };
  const { errors, warnings } = fileMessages(records);
  errors.push(...options.unfinishedErrors, ...(options.runErrors ?? []));
  for (const error of errors) {
    const prefix = error.message.startsWith(error.source_file) ? '' : `${error.source_file}: `;
    summary.problems.push(`error: ${prefix}${error.message}`);
  }
  for (const file of records) {
    if (file.incomplete && !file.error) {
      summary.problems.push(`incomplete: ${file.source_file}: rows may be missing, the warnings say why`);
    }
  }
  // The files' warnings; the run's own (an NPI's check digit) were shown when the run began.
  summary.problems.push(...warningLines(warnings, options.format));
  warnings.push(...options.runWarnings);
  const params: SearchParams = {
    ...options.params,
    searched_files: summary.searchedFiles,
    matched_files: summary.matchedFiles,
  };
  if (errors.length > 0 || summary.incompleteFiles > 0) params.incomplete = true;
  const factsOf = fileFactsLookup(files, unfinished);
  const rowBlocks = (framing: RowFraming) => splicedRowBlocks(options.journalPath, factsOf, framing, summary);

  const isStdout = options.outputPath === '-';
  const isInPlace = isStdout || options.writeInPlace === true;
  const temporaryPath = partialOutputPath(options.outputPath);
  const out = isStdout
    ? options.stdout
    : createWriteStream(options.writeInPlace ? options.outputPath : temporaryPath, { highWaterMark: WRITE_AHEAD_BYTES });
  // A write that fails while nobody waits on the stream (a full disk) is kept for below, not thrown
  // as an unhandled 'error' event.
  let failure: Error | undefined;
  if (!isStdout) (out as NodeJS.WritableStream).on('error', (error: Error) => (failure ??= error));
  try {
    if (options.format === 'csv') await writeCsvBatches(parseRows(rowBlocks(LINE_FRAMING)), out);
    else if (options.format === 'ndjson') await writeBlocks(rowBlocks(LINE_FRAMING), out);
    else await writeJsonDocumentBlocks(params, rowBlocks(JSON_ROW_FRAMING), errors, warnings, out);
    if (!isStdout) {
      out.end();
      await once(out, 'close');
      if (failure) throw failure;
      if (!isInPlace) await rename(temporaryPath, options.outputPath);
    }
  } catch (error) {
    if (!isInPlace) await rm(temporaryPath, { force: true });
    throw error;
  }
  return summary;
}

/** Where a local output is written before it is renamed into place. */
export function partialOutputPath(outputPath: string): string {
  return `${outputPath}.partial-${process.pid}`;
}

/** Warnings shown at the end of the log: CSV and NDJSON outputs have no place for them. */
const MAX_WARNING_LINES = 20;

function warningLines(warnings: SearchMessage[], format: FinalOutputOptions['format']): string[] {
  if (warnings.length === 0) return [];
  if (format === 'json') return [`${warnings.length} ${warnings.length === 1 ? 'warning' : 'warnings'}: see "warnings" in the output`];
  const lines = warnings.slice(0, MAX_WARNING_LINES).map((warning) => {
    const prefix = warning.message.startsWith(warning.source_file) ? '' : `${warning.source_file}: `;
    return `warning: ${prefix}${warning.message}`;
  });
  if (warnings.length > MAX_WARNING_LINES) lines.push(`... and ${warnings.length - MAX_WARNING_LINES} more warnings`);
  return lines;
}

/**
 * What each file's rows get in the output: the reporting entity and date after source_file, and
 * a flag on rows of files that failed part-way or were interrupted. Other sources are left out.
 */
function fileFactsLookup(files: ReadonlyMap<string, FileRecord>, unfinished: Set<string>): (source: string) => FileFacts | undefined {
  const factsBySource = new Map<string, FileFacts>();
  for (const [source, file] of files) {
    let facts = '';
    if (file.metadata.reporting_entity_name) facts += `,"reporting_entity_name":${JSON.stringify(file.metadata.reporting_entity_name)}`;
    if (file.metadata.last_updated_on) facts += `,"last_updated_on":${JSON.stringify(file.metadata.last_updated_on)}`;
    factsBySource.set(source, { facts, isIncomplete: file.incomplete || file.error !== undefined });
  }
  return (source) => factsBySource.get(source) ?? (unfinished.has(source) ? { facts: '', isIncomplete: true } : undefined);
}

/** The journal's rows as the output shows them, framed, in blocks of bytes; no row is parsed. */
async function* splicedRowBlocks(
  journalPath: string,
  factsOf: (source: string) => FileFacts | undefined,
  framing: RowFraming,
  summary: FinalOutputSummary,
): AsyncIterable<Buffer> {
  const splicer = new RowSplicer(factsOf, framing);
  for await (const block of readJournalBlocks(journalPath)) {
    yield* splicer.splice(block);
    summary.rows = splicer.rows;
  }
}

/** Rows back from LINE_FRAMING blocks, a block's at a time, for the CSV writer. */
async function* parseRows(blocks: AsyncIterable<Buffer>): AsyncIterable<RateRow[]> {
  for await (const block of blocks) {
    const rows: RateRow[] = [];
    forEachLine(block, (start, end) => rows.push(JSON.parse(block.toString('utf8', start, end)) as RateRow));
    yield rows;
  }
}
