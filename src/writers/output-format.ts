export type OutputFormat = 'json' | 'ndjson' | 'csv';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['json', 'ndjson', 'csv'];

/**
 * The format an output path asks for by its extension (letter case ignored): `.csv` is csv,
 * `.ndjson` and `.jsonl` are ndjson, anything else (`.json`, `-`, s3://…/x.json, no extension) is json.
 */
export function formatFromPath(path: string): OutputFormat {
  const name = path.replace(/[?#].*$/, '').toLowerCase();
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.ndjson') || name.endsWith('.jsonl')) return 'ndjson';
  return 'json';
}

/** Parses a `--format` value; null when it is not one of OUTPUT_FORMATS. */
export function parseOutputFormat(value: string): OutputFormat | null {
  const lower = value.trim().toLowerCase();
  return (OUTPUT_FORMATS as readonly string[]).includes(lower) ? (lower as OutputFormat) : null;
}
