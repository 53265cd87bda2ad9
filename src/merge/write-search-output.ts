import { createWriteStream } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import type { SearchOutput } from '../search/rate-row.js';
import { isS3Uri, uploadFileToS3 } from '../cloud/s3-results.js';

/**
 * Yields the same text as `JSON.stringify(document, null, 2)`, one row at a time, so a merged
 * output of millions of rows is written without one giant string in memory.
 */
export function* searchOutputJsonPieces(document: SearchOutput): Generator<string> {
  yield `{\n  "search_params": ${indent(JSON.stringify(document.search_params, null, 2), 2)},\n`;
  yield* listPieces('results', document.results, ',\n');
  yield* listPieces('errors', document.errors, ',\n');
  yield* listPieces('warnings', document.warnings, '\n');
  yield '}\n';
}

function* listPieces(name: string, items: readonly unknown[], after: string): Generator<string> {
  if (items.length === 0) {
    yield `  "${name}": []${after}`;
    return;
  }
  yield `  "${name}": [\n`;
  for (let index = 0; index < items.length; index += 1) {
    const separator = index === items.length - 1 ? '\n' : ',\n';
    yield `    ${indent(JSON.stringify(items[index], null, 2), 4)}${separator}`;
  }
  yield `  ]${after}`;
}

function indent(text: string, spaces: number): string {
  return text.replaceAll('\n', `\n${' '.repeat(spaces)}`);
}

/**
 * Writes the document to `-` (the given stream), a local path (temp name, renamed when complete,
 * so a crash never leaves half a file under the real name) or an `s3://` URI (a local temp file,
 * then a multipart upload).
 */
export async function writeSearchOutput(
  document: SearchOutput,
  location: string,
  stdout: NodeJS.WritableStream,
  region?: string,
): Promise<void> {
  if (location === '-') {
    await writePieces(document, stdout);
    return;
  }
  if (isS3Uri(location)) {
    const tempDir = await mkdtemp(path.join(os.tmpdir(), 'npi-rates-merge-'));
    try {
      const tempPath = path.join(tempDir, 'merged.json');
      await writeFileAtomically(document, tempPath);
      await uploadFileToS3(tempPath, location, region);
    } finally {
      await rm(tempDir, { recursive: true, force: true });
    }
    return;
  }
  await writeFileAtomically(document, location);
}

async function writeFileAtomically(document: SearchOutput, filePath: string): Promise<void> {
  const tempPath = `${filePath}.partial-${process.pid}`;
  const file = createWriteStream(tempPath);
  try {
    await writePieces(document, file);
    file.end();
    await once(file, 'finish');
    await rename(tempPath, filePath);
  } catch (error) {
    file.destroy();
    await rm(tempPath, { force: true });
    throw error;
  }
}

async function writePieces(document: SearchOutput, stream: NodeJS.WritableStream): Promise<void> {
  for (const piece of searchOutputJsonPieces(document)) {
    if (!stream.write(piece)) await once(stream, 'drain');
  }
}
