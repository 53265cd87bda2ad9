import { lstat } from 'node:fs/promises';

/**
 * `results_YYYYMMDD_HHMMSS.json` in local time, the default output name of search, merge and
 * cloud-run; `.csv` or `.ndjson` when that format is asked for.
 */
export function defaultResultsFileName(now: Date = new Date(), format = 'json'): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const date = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}`;
  const time = `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  return `results_${date}_${time}.${format}`;
}

/** The default name with `-2`, `-3`... before its extension: the name of the attempt-th try. */
export function numberedName(name: string, attempt: number): string {
  return attempt === 1 ? name : name.replace(/(\.[a-z]+)$/, `-${attempt}$1`);
}

/**
 * The default name, numbered past any file that exists already: results written in the same
 * second (a search, then a merge) are never replaced.
 */
export async function freeDefaultName(format = 'json', now: Date = new Date()): Promise<string> {
  const name = defaultResultsFileName(now, format);
  for (let attempt = 1; attempt < 100; attempt++) {
    const candidate = numberedName(name, attempt);
    const exists = await lstat(candidate).then(() => true, () => false);
    if (!exists) return candidate;
  }
  return name;
}
