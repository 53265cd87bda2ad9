import { usageError } from '../shared/errors.js';

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

/** Compressed names the output would not live up to: every output is written as plain text. */
const COMPRESSED_EXTENSIONS = /\.(gz|gzip|tgz|zip|bz2|tbz2?|xz|txz|zst|7z|rar|lz4|lzma|z)$/i;

/** Refuses (exit 2) an output named as compressed (`rates.csv.gz`), saying what to write instead. */
export function refuseCompressedName(outputPath: string): void {
  const name = outputPath.replace(/[?#].*$/, '');
  if (!COMPRESSED_EXTENSIONS.test(name)) return;
  const plain = name.replace(COMPRESSED_EXTENSIONS, '');
  throw usageError(
    'NPI_RATES_BAD_OPTION',
    `-o ${outputPath}: npi-rates writes its output uncompressed, so that name would not match what is in it`,
    outputPath.startsWith('s3://') ? `write -o ${plain}` : `write -o ${plain}, then compress it (gzip ${plain})`,
  );
}
