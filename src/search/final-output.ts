import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { writeCsv } from '../writers/csv-writer.js';
import { writeJsonDocument } from '../writers/json-writer.js';
import { writeNdjson } from '../writers/ndjson-writer.js';
import type { OutputFormat } from '../writers/output-format.js';
import { fileMessages, readFileRecords, readJournal, type FileRecord } from './journal.js';
import type { RateRow, SearchMessage, SearchParams } from './rate-row.js';

export interface FinalOutputOptions {
  journalPath: string;
  /** A local path, or '-' for `stdout`. */
  outputPath: string;
  /** Write straight into outputPath (a device or FIFO) instead of a temporary file renamed over it. */
  writeInPlace?: boolean;
  format: OutputFormat;
  stdout: NodeJS.WritableStream;
  params: Omit<SearchParams, 'searched_files' | 'matched_files'>;
  /** Files that were started but never finished (Ctrl-C): their rows are partial. */
  unfinishedErrors: SearchMessage[];
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
  const files = await readFileRecords(options.journalPath);
  const unfinished = new Set(options.unfinishedErrors.map((error) => error.source_file));
  const summary: FinalOutputSummary = {
    searchedFiles: files.size,
    matchedFiles: [...files.values()].filter((file) => file.rows_found > 0).length,
    rows: 0,
    failedFiles: [...files.values()].filter((file) => file.error).length,
    incompleteFiles: [...files.values()].filter((file) => file.incomplete && !file.error).length,
    problems: [],
  };
  const { errors, warnings } = fileMessages(files.values());
  errors.push(...options.unfinishedErrors);
  for (const error of errors) summary.problems.push(`error: ${error.message.startsWith(error.source_file) ? '' : `${error.source_file}: `}${error.message}`);
  for (const file of files.values()) {
    if (file.incomplete && !file.error) summary.problems.push(`incomplete: ${file.source_file}: some provider groups could not be resolved (see warnings)`);
  }
  warnings.push(...options.runWarnings);
  const params: SearchParams = {
    ...options.params,
    searched_files: summary.searchedFiles,
    matched_files: summary.matchedFiles,
  };
  if (errors.length > 0 || summary.incompleteFiles > 0) params.incomplete = true;
  const rows = rowsWithFileFacts(options.journalPath, files, unfinished, summary);

  const isStdout = options.outputPath === '-';
  const isInPlace = isStdout || options.writeInPlace === true;
  const temporaryPath = `${options.outputPath}.partial-${process.pid}`;
  const out = isStdout
    ? options.stdout
    : createWriteStream(options.writeInPlace ? options.outputPath : temporaryPath);
  try {
    if (options.format === 'csv') await writeCsv(rows, out);
    else if (options.format === 'ndjson') await writeNdjson(rows, out);
    else await writeJsonDocument(params, rows, errors, warnings, out);
    if (!isStdout) {
      out.end();
      await once(out, 'close');
      if (!isInPlace) await rename(temporaryPath, options.outputPath);
    }
  } catch (error) {
    if (!isInPlace) await rm(temporaryPath, { force: true });
    throw error;
  }
  return summary;
}

async function* rowsWithFileFacts(
  journalPath: string,
  files: Map<string, FileRecord>,
  unfinished: Set<string>,
  summary: FinalOutputSummary,
): AsyncIterable<RateRow> {
  for await (const record of readJournal(journalPath)) {
    if (record.kind !== 'rows') continue;
    const file = files.get(record.source_file);
    if (!file && !unfinished.has(record.source_file)) continue;
    for (const row of record.rows) {
      const metadata = file?.metadata ?? {};
      const withFacts: RateRow = { ...row };
      if (metadata.reporting_entity_name) withFacts.reporting_entity_name = metadata.reporting_entity_name;
      if (metadata.last_updated_on) withFacts.last_updated_on = metadata.last_updated_on;
      if (!file || file.error || file.incomplete) withFacts.from_incomplete_file = true;
      summary.rows++;
      yield orderFields(withFacts);
    }
  }
}

/** The documented field order: the Go tool's fields first, then what npi-rates adds. */
const FIELD_ORDER: Array<keyof RateRow> = [
  'source_file',
  'reporting_entity_name',
  'last_updated_on',
  'npi',
  'tin',
  'billing_code_type',
  'billing_code',
  'billing_code_description',
  'negotiation_arrangement',
  'negotiated_rate',
  'negotiated_type',
  'billing_class',
  'setting',
  'expiration_date',
  'service_code',
  'billing_code_modifier',
];

function orderFields(row: RateRow): RateRow {
  const ordered: Record<string, unknown> = {};
  for (const field of FIELD_ORDER) if (row[field] !== undefined) ordered[field] = row[field];
  for (const [field, value] of Object.entries(row)) if (!(field in ordered)) ordered[field] = value;
  return ordered as unknown as RateRow;
}
