import type { RateRow, SearchMessage, SearchParams } from '../search/rate-row.js';
import { writeLines, writeText } from './write-text.js';

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
  await writeText(out, `{"search_params":${JSON.stringify(params)},\n"results":[`);
  let separator = '\n';
  await writeLines(rowLines, out, (line) => {
    const text = `${separator}${line}`;
    separator = ',\n';
    return text;
  });
  await writeText(out, `\n],\n"errors":${JSON.stringify(errors)},\n"warnings":${JSON.stringify(warnings)}}\n`);
}
