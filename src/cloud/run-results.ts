import { redactUrl } from '../shared/redact-url.js';
import type { SearchOutput } from '../search/rate-row.js';
import { mergeSearchOutputs } from '../merge/merge-search-outputs.js';
import { parseSearchOutput } from '../merge/read-search-output.js';
import type { ChunkState, RunState } from './run-state.js';
import { readS3Text } from './s3-results.js';

/**
 * Merges the results of a run's finished chunks, in chunk order, into one search output. Every
 * URL of a chunk that did not finish is listed under `errors` (and the output marked incomplete),
 * so a lost task can never pass for "no rates found".
 */
export async function mergeRunResults(state: RunState): Promise<SearchOutput> {
  const documents: SearchOutput[] = [];
  for (const chunk of state.chunks) {
    if (chunk.status !== 'done') continue;
    documents.push(parseSearchOutput(await readS3Text(chunk.resultUri, state.region), chunk.resultUri));
  }
  const merged = mergeSearchOutputs(documents);
  if (documents.length === 0) merged.search_params.npis = state.npis.map(Number);

  const unfinished = state.chunks.filter((chunk) => chunk.status !== 'done');
  for (const chunk of unfinished) {
    const message = `not searched: ${describeUnfinishedChunk(chunk)}`;
    for (const url of chunk.urls) {
      merged.errors.push({ source_file: redactUrl(url), message, code: 'NPI_RATES_CLOUD_TASK_FAILED' });
    }
  }
  if (unfinished.length > 0) merged.search_params.incomplete = true;
  return merged;
}

function describeUnfinishedChunk(chunk: ChunkState): string {
  const last = chunk.attempts.at(-1)?.failure;
  const attempts = `${chunk.attempts.length} attempt${chunk.attempts.length === 1 ? '' : 's'}`;
  const verb = chunk.status === 'stopped' ? 'was stopped' : chunk.status === 'failed' ? 'gave up' : `is still ${chunk.status}`;
  return `chunk ${chunk.index} ${verb} after ${attempts}${last ? `; last: ${last}` : ''}`;
}
