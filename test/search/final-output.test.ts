import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFinalOutput } from '../../src/search/final-output.js';
import { readJournalLines, type FileRecord } from '../../src/search/journal.js';
import type { OutputFormat } from '../../src/writers/output-format.js';

/**
 * The final output is spliced from the journal's bytes. These journals are written by hand, with
 * rows of several files interleaved, a row longer than the 1 MiB read block, a record line, a
 * source_file with escapes and non-ASCII text, and a torn last line.
 */
const aSource = 'https://plan.example/a "ü".json';
const bSource = 'b.json';
const unfinishedSource = 'c.json';
const droppedSource = 'gone.json';

function rowFields(rate: number, description: string) {
  return { npi: 1234567893, tin: { type: 'ein', value: '12-3456789' }, billing_code: '99213', billing_code_description: description, negotiated_rate: rate, occurrences: 1 };
}

function rowLine(source: string, rate: number, description = 'visit'): string {
  return JSON.stringify({ source_file: source, ...rowFields(rate, description) });
}

function fileRecord(source: string, extra: Partial<FileRecord> = {}): FileRecord {
  return {
    kind: 'file',
    source_file: source,
    metadata: { reporting_entity_name: 'Plan "Ü"', last_updated_on: '2025-01-01' },
    rows_found: 1,
    incomplete: false,
    warnings: [],
    ...extra,
  };
}

const longDescription = 'x'.repeat(1_500_000);
const files = new Map<string, FileRecord>([
  [aSource, fileRecord(aSource)],
  [bSource, fileRecord(bSource, { metadata: {}, error: { message: 'b.json: cut short' }, incomplete: true })],
]);
const journalLines = [
  JSON.stringify({ kind: 'run', search: 'npi 1234567893' }),
  rowLine(aSource, 1),
  rowLine(bSource, 2),
  rowLine(aSource, 3, longDescription),
  rowLine(unfinishedSource, 4),
  rowLine(droppedSource, 5),
  JSON.stringify(files.get(aSource)),
  rowLine(aSource, 6),
];
const tornLine = rowLine(aSource, 7).slice(0, 60);

async function finalOutput(format: OutputFormat): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'npi-rates-final-'));
  const journalPath = join(dir, 'out.journal.ndjson');
  writeFileSync(journalPath, `${journalLines.join('\n')}\n${tornLine}`);
  const outputPath = join(dir, `out.${format}`);
  const summary = await writeFinalOutput({
    journalPath,
    files,
    outputPath,
    format,
    stdout: process.stdout,
    params: { npis: [1234567893], duration_seconds: 0 },
    unfinishedErrors: [{ source_file: unfinishedSource, message: 'interrupted', code: 'NPI_RATES_INTERRUPTED' }],
    runWarnings: [],
  });
  expect(summary.rows).toBe(5);
  return readFileSync(outputPath, 'utf8');
}

const aFacts = { reporting_entity_name: 'Plan "Ü"', last_updated_on: '2025-01-01' };
const incomplete = { from_incomplete_file: true };
const expectedRows = [
  { source_file: aSource, ...aFacts, ...rowFields(1, 'visit') },
  { source_file: bSource, ...rowFields(2, 'visit'), ...incomplete },
  { source_file: aSource, ...aFacts, ...rowFields(3, longDescription) },
  { source_file: unfinishedSource, ...rowFields(4, 'visit'), ...incomplete },
  { source_file: aSource, ...aFacts, ...rowFields(6, 'visit') },
];

describe('writeFinalOutput', () => {
  it('splices each file’s facts into its rows and flags rows of failed or unfinished files (NDJSON)', async () => {
    const text = await finalOutput('ndjson');
    expect(text).toBe(expectedRows.map((row) => `${JSON.stringify(row)}\n`).join(''));
  });

  it('writes the same rows one per line in the JSON document', async () => {
    const text = await finalOutput('json');
    const rowsPart = text.slice(text.indexOf('"results":[') + '"results":['.length, text.indexOf('\n],\n"errors"'));
    expect(rowsPart).toBe(expectedRows.map((row) => `\n${JSON.stringify(row)}`).join(','));
    expect((JSON.parse(text) as { results: unknown[] }).results).toEqual(expectedRows);
  });

  it('writes the same rows to CSV', async () => {
    const lines = (await finalOutput('csv')).split('\r\n');
    expect(lines).toHaveLength(expectedRows.length + 2);
    expect(lines[1].startsWith(`"https://plan.example/a ""ü"".json","Plan ""Ü""",2025-01-01,1234567893,ein,12-3456789`)).toBe(true);
    expect(lines[2].endsWith(',1,true')).toBe(true);
  });
});

describe('readJournalLines', () => {
  it('gives every line whole, including one longer than a read block and a torn last line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'npi-rates-journal-'));
    const path = join(dir, 'j.ndjson');
    writeFileSync(path, `${journalLines.join('\n')}\n\n${tornLine}`);
    const lines: string[] = [];
    for await (const line of readJournalLines(path)) lines.push(line);
    expect(lines).toEqual([...journalLines, tornLine]);
  });

  it('cuts lines of every length at the right places across read blocks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'npi-rates-journal-'));
    const path = join(dir, 'j.ndjson');
    // Lengths from 1 byte to 300 KB in a fixed pseudo-random order: cuts land everywhere in a line.
    const written = Array.from({ length: 400 }, (_, index) => `${index}:${'é'.repeat((index * 7919) % 150_000)}`);
    writeFileSync(path, `${written.join('\n')}\n`);
    const lines: string[] = [];
    for await (const line of readJournalLines(path)) lines.push(line);
    expect(lines).toEqual(written);
  });
});
