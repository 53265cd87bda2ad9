import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SearchOutput } from '../search/rate-row.js';
import { writeFileAtomically } from '../writers/atomic-file.js';
import { writeCsv } from '../writers/csv-writer.js';
import { writeJsonDocument } from '../writers/json-writer.js';
import { writeNdjson } from '../writers/ndjson-writer.js';
import { formatFromPath, type OutputFormat } from '../writers/output-format.js';
import { isS3Uri } from '../cloud/s3-uri.js';

/**
 * Writes a (merged) search output in the format `search` would use for the same path (.csv,
 * .ndjson/.jsonl, else the JSON document), to `-` (the given stream), a local path (temp name,
 * renamed when complete, so a crash never leaves half a file under the real name) or an `s3://`
 * URI (a local temp file, then a multipart upload).
 */
export async function writeSearchOutput(
  document: SearchOutput,
  location: string,
  stdout: NodeJS.WritableStream,
  region?: string,
  format: OutputFormat = formatFromPath(location),
): Promise<void> {
  if (location === '-') {
    await writeDocument(document, stdout, format);
    return;
  }
  if (isS3Uri(location)) {
    const tempDir = await mkdtemp(path.join(os.tmpdir(), 'npi-rates-merge-'));
    try {
      const tempPath = path.join(tempDir, 'merged');
      await writeFileAtomically(tempPath, (out) => writeDocument(document, out, format));
      // The AWS SDK loads only when the output goes to S3.
      const { uploadFileToS3 } = await import('../cloud/s3-results.js');
      await uploadFileToS3(tempPath, location, region);
    } finally {
      await rm(tempDir, { recursive: true, force: true });
    }
    return;
  }
  await writeFileAtomically(location, (out) => writeDocument(document, out, format));
}


async function writeDocument(document: SearchOutput, out: NodeJS.WritableStream, format: OutputFormat): Promise<void> {
  if (format === 'csv') await writeCsv(document.results, out);
  else if (format === 'ndjson') await writeNdjson(document.results, out);
  else await writeJsonDocument(document.search_params, document.results, document.errors, document.warnings, out);
}
