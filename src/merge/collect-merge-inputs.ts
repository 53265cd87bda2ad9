import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../shared/errors.js';
import { isS3Uri, parseS3Uri } from '../cloud/s3-uri.js';

/** One partial result to merge: a name for messages and a way to read its text. */
export interface MergeSource {
  name: string;
  readText(): Promise<string>;
}

const naturalOrder = new Intl.Collator('en', { numeric: true }).compare;

/**
 * Expands what the user named into files: a local file, a local folder (its `*.json` files), an
 * S3 object, or an S3 prefix (`s3://bucket/run/results/`: the `*.json` objects right under it; a
 * cloud-run folder `s3://bucket/run/`: its results). Files in a folder or prefix are taken in
 * natural order, so task-2 comes before task-10.
 */
export async function collectMergeSources(locations: readonly string[], region?: string): Promise<MergeSource[]> {
  const sources: MergeSource[] = [];
  for (const location of locations) {
    const found = isS3Uri(location) ? await expandS3Location(location, region) : await expandLocalPath(location);
    if (found.length === 0) {
      throw usageError('NPI_RATES_MERGE_NOTHING', `'${location}' holds no .json result files`, 'check the path or prefix');
    }
    sources.push(...found);
  }
  return sources;
}

async function expandLocalPath(location: string): Promise<MergeSource[]> {
  const info = await stat(location).catch(() => undefined);
  if (!info) throw usageError('NPI_RATES_MERGE_MISSING', `'${location}' does not exist`, 'give result files, a folder of them, or an s3:// prefix');
  if (!info.isDirectory()) return [localSource(location)];
  const names = (await readdir(location)).filter((name) => name.endsWith('.json')).sort(naturalOrder);
  return names.map((name) => localSource(path.join(location, name)));
}

function localSource(filePath: string): MergeSource {
  return { name: filePath, readText: () => readFile(filePath, 'utf8') };
}

async function expandS3Location(uri: string, region?: string): Promise<MergeSource[]> {
  const { key } = parseS3Uri(uri);
  const prefix = key === '' || key.endsWith('/') ? key : `${key}/`;
  // The AWS SDK loads only when an s3:// location is merged.
  const { listS3Objects } = await import('../cloud/s3-results.js');
  const listed = await listS3Objects(uri, region);
  // A key without a trailing slash is an object when it exists as one, else a folder.
  const exact = listed.find((object) => object.key === key);
  if (exact && !key.endsWith('/')) return [s3Source(exact.uri, region)];
  // The objects right under the prefix, as a local folder gives its own files, not its subfolders'.
  const jsonUnder = (folder: string) =>
    listed.filter((object) => object.key.startsWith(folder) && object.key.endsWith('.json') && !object.key.slice(folder.length).includes('/'));
  let found = jsonUnder(prefix);
  // A cloud-run folder (its run.json beside results/) means the results in it.
  if (found.some((object) => object.key === `${prefix}run.json`)) found = jsonUnder(`${prefix}results/`);
  return found
    .map((object) => object.uri)
    .sort(naturalOrder)
    .map((objectUri) => s3Source(objectUri, region));
}

function s3Source(uri: string, region?: string): MergeSource {
  return {
    name: uri,
    readText: async () => {
      const { readS3Text } = await import('../cloud/s3-results.js');
      return readS3Text(uri, region);
    },
  };
}
