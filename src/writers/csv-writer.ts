import type { RateRow } from '../search/rate-row.js';
import { writeLines, writeText } from './write-text.js';

/**
 * CSV output: one column per RateRow field, in the order the fields are declared, except that
 * `tin` becomes three columns (tin_type, tin_value, tin_business_name). Lists are joined by `|`
 * (a `|` or `\` inside an element is escaped as `\|` or `\\`, so the cell splits back into the
 * same elements), absent values are empty cells, booleans are `true`/`false`. A text cell that a
 * spreadsheet would run as a formula (starting with = + - @, a tab or a CR: the file's text is
 * the insurer's) starts with a `'`, so it is shown as text. Records end in CRLF (RFC 4180).
 */
type CsvColumn = readonly [name: string, valueOf: (row: RateRow) => unknown];

function column<K extends keyof RateRow>(name: K): CsvColumn[] {
  return [[name, (row) => row[name]]];
}

/**
 * Keyed by every RateRow field: a field added to RateRow without a column here fails `tsc`, so
 * the CSV never silently drops what the JSON output has. Key order is the column order.
 */
const COLUMNS_BY_FIELD: { readonly [K in keyof RateRow]-?: CsvColumn[] } = {
  source_file: column('source_file'),
  reporting_entity_name: column('reporting_entity_name'),
  last_updated_on: column('last_updated_on'),
  npi: column('npi'),
  tin: [
    ['tin_type', (row) => row.tin.type],
    ['tin_value', (row) => row.tin.value],
    ['tin_business_name', (row) => row.tin.business_name],
  ],
  network_name: column('network_name'),
  billing_code_type: column('billing_code_type'),
  billing_code_type_version: column('billing_code_type_version'),
  billing_code: column('billing_code'),
  billing_code_description: column('billing_code_description'),
  name: column('name'),
  bundled_codes: [['bundled_codes', (row) => row.bundled_codes?.map(codeLabel)]],
  covered_services: [['covered_services', (row) => row.covered_services?.map(codeLabel)]],
  negotiation_arrangement: column('negotiation_arrangement'),
  negotiated_rate: column('negotiated_rate'),
  negotiated_type: column('negotiated_type'),
  billing_class: column('billing_class'),
  setting: column('setting'),
  expiration_date: column('expiration_date'),
  service_code: column('service_code'),
  service_code_wildcard: column('service_code_wildcard'),
  billing_code_modifier: column('billing_code_modifier'),
  additional_information: column('additional_information'),
  occurrences: column('occurrences'),
  from_incomplete_file: column('from_incomplete_file'),
};

export const CSV_COLUMNS: readonly CsvColumn[] = Object.values(COLUMNS_BY_FIELD).flat();

/** A bundled code or covered service in a cell: `TYPE:CODE` ("CPT:27447"). */
function codeLabel(code: Record<string, unknown>): string {
  const type = code.billing_code_type;
  return `${typeof type === 'string' && type !== '' ? `${type}:` : ''}${String(code.billing_code ?? '')}`;
}

const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180: a field holding a comma, quote, CR or LF is quoted, and its quotes doubled. */
export function quoteCsvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A value's cell, quoted where needed; numbers and booleans never need it, so skip the test. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = Array.isArray(value) ? value.map(listElementText).join('|') : String(value);
  return quoteCsvField(FORMULA_START.test(text) ? `'${text}` : text);
}

/** What spreadsheets take as the start of a formula (OWASP's list for CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

function listElementText(item: unknown): string {
  if (item === null || item === undefined) return '';
  return String(item).replace(/[\\|]/g, (character) => `\\${character}`);
}

export function csvHeaderLine(): string {
  return `${CSV_COLUMNS.map(([name]) => quoteCsvField(name)).join(',')}\r\n`;
}

export function csvRowLine(row: RateRow): string {
  let line = cell(CSV_COLUMNS[0][1](row));
  for (let i = 1; i < CSV_COLUMNS.length; i++) line += `,${cell(CSV_COLUMNS[i][1](row))}`;
  return `${line}\r\n`;
}

/** Writes the header line, then one line per row, honouring backpressure. Does not end `out`. */
export async function writeCsv(rows: AsyncIterable<RateRow> | Iterable<RateRow>, out: NodeJS.WritableStream): Promise<void> {
  await writeText(out, csvHeaderLine());
  await writeLines(rows, out, csvRowLine);
}

/** The same, from rows that come in batches: one write per batch, no promise per row. */
export async function writeCsvBatches(batches: AsyncIterable<RateRow[]>, out: NodeJS.WritableStream): Promise<void> {
  await writeText(out, csvHeaderLine());
  for await (const rows of batches) {
    let text = '';
    for (const row of rows) text += csvRowLine(row);
    await writeText(out, text);
  }
}
