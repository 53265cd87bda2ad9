import pLimit from 'p-limit';
import { fetchSmallJson } from '../sources/fetch-json.js';
import type { SourceOptions } from '../sources/open-source.js';

/** Remote reference files fetched at once; a CDN throttles a tool that opens hundreds. */
const MAX_PARALLEL_FETCHES = 8;

/**
 * Remote provider-reference files (`location` URLs), fetched once per URL per run whichever
 * file or worker asks, with bounded concurrency.
 */
export class RemoteReferenceCache {
  private readonly documents = new Map<string, Promise<unknown>>();
  private readonly limit = pLimit(MAX_PARALLEL_FETCHES);

  constructor(private readonly sourceOptions: SourceOptions) {}

  fetch(url: string): Promise<unknown> {
    let document = this.documents.get(url);
    if (document === undefined) {
      // Remote reference files are small: a few retries, not the defaults of a 40 GB download.
      document = this.limit(() =>
        fetchSmallJson(url, { ...this.sourceOptions, connections: 1, retries: Math.min(this.sourceOptions.retries ?? 3, 3) }),
      );
      this.documents.set(url, document);
    }
    return document;
  }
}
