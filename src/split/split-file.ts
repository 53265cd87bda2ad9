import { decodeLayers } from '../sources/decode-layers.js';
import { openByteStream } from '../sources/open-source.js';
import type { SourceOptions } from '../sources/open-source.js';
import { redactUrl } from '../shared/redact-url.js';
import { splitJsonStream } from './split-json-stream.js';
import type { SplitSummary } from './split-json-stream.js';

/** Splits the file at any readable location (path, file://, http(s)://, s3://; gzip, zip or plain). */
export async function splitFile(
  location: string,
  outDirectory: string,
  options: SourceOptions & { chunkBytes?: number; onWarning?(message: string): void } = {},
): Promise<SplitSummary> {
  const { chunkBytes, onWarning, ...sourceOptions } = options;
  const sourceName = redactUrl(location);
  const raw = await openByteStream(location, sourceOptions);
  return splitJsonStream(decodeLayers(raw.chunks, sourceName, { onWarning }), sourceName, outDirectory, { chunkBytes });
}
