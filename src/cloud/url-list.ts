import { readFile } from 'node:fs/promises';
import { usageError } from '../shared/errors.js';
import { isS3Uri, readS3Text } from './s3-results.js';

/**
 * Reads a list of MRF locations for cloud-run from a local file, standard input (`-`) or S3:
 * one per line with `#` comments and blank lines ignored, or a JSON array of strings. Duplicates
 * are dropped (first one kept), so the same file is never searched by two tasks.
 */
export async function readUrlList(location: string, stdin: NodeJS.ReadableStream, region?: string): Promise<string[]> {
  let text: string;
  if (location === '-') text = await readAll(stdin);
  else if (isS3Uri(location)) text = await readS3Text(location, region);
  else {
    text = await readFile(location, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw usageError('NPI_RATES_URLS_FILE', `cannot read --urls-file '${location}': ${error.code ?? error.message}`, 'check the path');
    });
  }
  const urls = parseUrlList(text, location);
  if (urls.length === 0) {
    throw usageError('NPI_RATES_URLS_FILE', `--urls-file '${location}' lists no URLs`, 'put one URL per line (lines starting with # are ignored)');
  }
  return urls;
}

export function parseUrlList(text: string, sourceName: string): string[] {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  let entries: string[];
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw usageError('NPI_RATES_URLS_FILE', `'${sourceName}' starts like a JSON array but is not valid JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(parsed) || parsed.some((item) => typeof item !== 'string')) {
      throw usageError('NPI_RATES_URLS_FILE', `'${sourceName}' is a JSON value but not an array of URL strings`);
    }
    entries = parsed as string[];
  } else {
    entries = trimmed.split(/\r?\n/);
  }
  const urls = entries.map((entry) => entry.trim()).filter((entry) => entry !== '' && !entry.startsWith('#'));
  return [...new Set(urls)];
}

/** Consecutive groups of at most `perChunk` URLs. */
export function chunkUrls(urls: readonly string[], perChunk: number): string[][] {
  const chunks: string[][] = [];
  for (let start = 0; start < urls.length; start += perChunk) chunks.push(urls.slice(start, start + perChunk));
  return chunks;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  return text;
}
