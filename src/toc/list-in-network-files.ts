import { decodeLayers } from '../sources/decode-layers.js';
import { openByteStream } from '../sources/open-source.js';
import type { SourceOptions } from '../sources/open-source.js';
import { redactUrl } from '../shared/redact-url.js';
import { readTocChunks } from './read-toc-stream.js';
import type { TocFilters, TocListing } from './toc-types.js';

export interface ListTocOptions extends SourceOptions {
  /** Keep the plans of each listed file (needed for `urls --json`). @default true */
  includePlans?: boolean;
}

/**
 * Streams a table-of-contents file from any location the byte sources read (http(s), s3://,
 * file://, a path; gzip, zip or plain) and lists the in-network and allowed-amount files of the
 * reporting plans the filters select. The file is never held whole, so multi-GB indexes work.
 * Throws NpiRatesError when the location cannot be read or is not an index file.
 */
export async function listInNetworkFiles(
  tocLocation: string,
  filters: TocFilters = {},
  options: ListTocOptions = {},
): Promise<TocListing> {
  const { includePlans, ...sourceOptions } = options;
  const sourceName = redactUrl(tocLocation);
  const raw = await openByteStream(tocLocation, sourceOptions);
  // Decoding warns only at the end of the data (bytes after the gzip data), so they are added last.
  const decodeWarnings: string[] = [];
  const chunks = decodeLayers(raw.chunks, sourceName, { onWarning: (message) => decodeWarnings.push(message) });
  const listing = await readTocChunks(chunks, sourceName, filters, { includePlans, tocLocation });
  return { ...listing, warnings: [...listing.warnings, ...decodeWarnings] };
}
