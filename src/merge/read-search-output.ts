import { usageError } from '../shared/errors.js';
import type { SearchOutput } from '../search/rate-row.js';

/**
 * Checks that a parsed JSON value is a `search` output document before it is merged, so that a
 * stray file (a URL list, a log, an NDJSON journal) is refused with the field it lacks instead of
 * quietly producing a wrong total.
 */
export function parseSearchOutput(text: string, sourceName: string): SearchOutput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // JSON.parse quotes the start of the text, which for a gzip or zip file is binary noise.
    if (startsWithBinary(text)) {
      throw notSearchOutput(sourceName, 'it is not JSON (it starts with binary bytes: a compressed rate file, perhaps)');
    }
    if (looksLikeNdjson(text)) {
      throw notSearchOutput(sourceName, 'it is NDJSON (one JSON value per line), the --format ndjson output; merge needs the JSON output (-o NAME.json)');
    }
    throw notSearchOutput(sourceName, `it is not JSON (${(error as Error).message})`);
  }
  return checkSearchOutput(value, sourceName);
}

/** True when the first line is a JSON object of its own and more lines follow. */
function looksLikeNdjson(text: string): boolean {
  const lineEnd = text.indexOf('\n');
  if (lineEnd < 0 || lineEnd === text.length - 1) return false;
  try {
    const first: unknown = JSON.parse(text.slice(0, lineEnd));
    return typeof first === 'object' && first !== null && !Array.isArray(first);
  } catch {
    return false;
  }
}

/** True when the first characters hold control bytes (other than whitespace) or undecodable ones. */
function startsWithBinary(text: string): boolean {
  for (const char of text.slice(0, 64)) {
    const code = char.charCodeAt(0);
    if ((code < 0x20 && char !== '\t' && char !== '\n' && char !== '\r') || code === 0xfffd) return true;
  }
  return false;
}

export function checkSearchOutput(value: unknown, sourceName: string): SearchOutput {
  if (!isRecord(value)) throw notSearchOutput(sourceName, 'it is not a JSON object');

  const params = value.search_params;
  if (!isRecord(params)) throw notSearchOutput(sourceName, "'search_params' is missing");
  for (const field of ['searched_files', 'matched_files', 'duration_seconds'] as const) {
    if (typeof params[field] !== 'number') {
      throw notSearchOutput(sourceName, `'search_params.${field}' is missing or not a number`);
    }
  }
  if (!Array.isArray(params.npis)) throw notSearchOutput(sourceName, "'search_params.npis' is missing or not a list");
  for (const field of ['results', 'errors'] as const) {
    if (!Array.isArray(value[field])) throw notSearchOutput(sourceName, `'${field}' is missing or not a list`);
  }
  // Older outputs (and the Go tool's) have no warnings list: treat that as "no warnings".
  if (value.warnings !== undefined && !Array.isArray(value.warnings)) {
    throw notSearchOutput(sourceName, "'warnings' is not a list");
  }
  return { ...(value as unknown as SearchOutput), warnings: (value.warnings as SearchOutput['warnings']) ?? [] };
}

function notSearchOutput(sourceName: string, problem: string) {
  return usageError(
    'NPI_RATES_NOT_SEARCH_OUTPUT',
    `'${sourceName}' is not a search output document: ${problem}`,
    'merge only takes the JSON files written by `npi-rates search` or by merge itself',
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
