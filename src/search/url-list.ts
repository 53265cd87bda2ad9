import { readFile } from 'node:fs/promises';
import { NpiRatesError, usageError } from '../shared/errors.js';

/**
 * The URLs of a --urls-file: one per line (`#` comments, blank lines, Windows line endings and
 * stray spaces ignored) or a JSON array of strings. Duplicates are dropped, order kept.
 */
export function parseUrlList(text: string, sourceName: string): string[] {
  const trimmed = text.replace(/^\ufeff/, '').trim();
  let entries: string[];
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw usageError(
        'NPI_RATES_BAD_URL_LIST',
        `${sourceName} starts with '[' but is not a JSON array (${(error as Error).message})`,
        'give one URL per line, or a JSON array of URL strings',
      );
    }
    if (!Array.isArray(parsed) || parsed.some((entry) => typeof entry !== 'string')) {
      throw usageError('NPI_RATES_BAD_URL_LIST', `${sourceName}: the JSON array must hold only URL strings`);
    }
    entries = parsed as string[];
  } else {
    entries = trimmed.split(/\r?\n/).map((line) => line.replace(/(^|\s)#.*$/, ''));
  }
  return [...new Set(entries.map((entry) => entry.trim()).filter((entry) => entry !== ''))];
}

/** Reads a URL list from a local file, `-` (standard input) or s3://; an empty list is refused. */
export async function readUrlList(location: string, stdin: NodeJS.ReadableStream, region?: string): Promise<string[]> {
  let text: string;
  try {
    if (location === '-') text = await readAll(stdin);
    else if (location.startsWith('s3://')) {
      // The AWS SDK is loaded only when an s3:// list is asked for.
      const { readS3Text } = await import('../cloud/s3-results.js');
      text = await readS3Text(location, region);
    }
    else text = await readFile(location, 'utf8');
  } catch (error) {
    if (error instanceof NpiRatesError) throw error;
    throw usageError(
      'NPI_RATES_URL_LIST_UNREADABLE',
      `cannot read --urls-file ${location}: ${(error as Error).message}`,
      'check the path, or pass - to read the list from standard input',
    );
  }
  const urls = parseUrlList(text, location === '-' ? 'standard input' : location);
  if (urls.length === 0) {
    throw usageError(
      'NPI_RATES_BAD_URL_LIST',
      `--urls-file ${location} lists no URLs`,
      'put one URL per line (lines starting with # are ignored)',
    );
  }
  return urls;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(parts).toString('utf8');
}
