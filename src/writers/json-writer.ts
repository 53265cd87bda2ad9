import type { RateRow, SearchMessage, SearchParams } from '../search/rate-row.js';
import { writeBlocks, writeLines, writeText } from './write-text.js';

/** What separates the rows of `results`: one row per line. */
export const JSON_ROW_FRAMING = { beforeFirst: '\n', beforeNext: ',\n', after: '' } as const;

/**
 * The `search` output document, written as a stream: the results array can be far larger than
 * memory, so rows are written one per line between the fixed parts. Does not end `out`.
 */
export async function writeJsonDocument(
  params: SearchParams,
  rows: AsyncIterable<RateRow> | Iterable<RateRow>,
  errors: SearchMessage[],
  warnings: SearchMessage[],
  out: NodeJS.WritableStream,
): Promise<void> {
  await writeJsonDocumentLines(params, serialise(rows), errors, warnings, out);
}

async function* serialise(rows: AsyncIterable<RateRow> | Iterable<RateRow>): AsyncIterable<string> {
  for await (const row of rows) yield JSON.stringify(row);
}

/** The same document from rows already serialised, one JSON object per string. */
export async function writeJsonDocumentLines(
  params: SearchParams,
  rowLines: AsyncIterable<string> | Iterable<string>,
  errors: SearchMessage[],
  warnings: SearchMessage[],
  out: NodeJS.WritableStream,
): Promise<void> {
  await writeText(out, documentHead(params));
  let lead: string = JSON_ROW_FRAMING.beforeFirst;
  await writeLines(rowLines, out, (line) => {
    const text = `${lead}${line}`;
    lead = JSON_ROW_FRAMING.beforeNext;
    return text;
  });
  await writeText(out, documentTail(errors, warnings));
}

/** The same document from rows already serialised and framed with JSON_ROW_FRAMING, in blocks of bytes. */
export async function writeJsonDocumentBlocks(
  params: SearchParams,
  rowBlocks: AsyncIterable<Uint8Array>,
  errors: SearchMessage[],
  warnings: SearchMessage[],
  out: NodeJS.WritableStream,
): Promise<void> {
  await writeText(out, documentHead(params));
  await writeBlocks(rowBlocks, out);
  await writeText(out, documentTail(errors, warnings));
}

function documentHead(params: SearchParams): string {
  return `{"search_params":${JSON.stringify(params)},\n"results":[`;
}

function documentTail(errors: SearchMessage[], warnings: SearchMessage[]): string {
  return `\n],\n"errors":${JSON.stringify(errors)},\n"warnings":${JSON.stringify(warnings)}}\n`;
}
