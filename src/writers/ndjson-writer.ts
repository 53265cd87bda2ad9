import type { RateRow } from '../search/rate-row.js';
import { writeLines } from './write-text.js';

/** One JSON object per line, `\n`-terminated, fields in the row's own order. Does not end `out`. */
export async function writeNdjson(rows: AsyncIterable<RateRow> | Iterable<RateRow>, out: NodeJS.WritableStream): Promise<void> {
  await writeLines(rows, out, (row) => `${JSON.stringify(row)}\n`);
}
