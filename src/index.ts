/**
 * npi-rates as a library. The pipeline in order: byte sources -> decoding -> the streaming
 * scanner -> matching -> rows; `runSearch` drives it over many files, `FargateOrchestrator` and
 * friends fan it out over AWS.
 */
export { NpiRatesError, EXIT_OK, EXIT_FILES_FAILED, EXIT_USAGE, EXIT_CLOUD, EXIT_INTERRUPTED } from './shared/errors.js';
export { redactUrl } from './shared/redact-url.js';

export { openByteStream, signedUrlExpiry, type SourceOptions } from './sources/open-source.js';
export type { ByteStream } from './sources/byte-source.js';
export { decodeLayers, sniffFormat } from './sources/decode-layers.js';
export { fetchSmallJson } from './sources/fetch-json.js';

export { JsonWalker, walkChunks, type WalkerHandler, type PathSegment, type ValueKind, type ValueMode } from './scan/json-walker.js';
export { MrfScanner } from './scan/mrf-scanner.js';
export { ScanError } from './scan/scan-error.js';

export { parseNpiList, hasValidNpiCheckDigit } from './match/npi.js';
export { makeSearchTarget, type SearchTarget } from './match/search-target.js';

export type { RateRow, RowBlock, SearchOutput, SearchParams, SearchMessage, TinValue } from './search/rate-row.js';
export { scanDocument, type DocumentScanOptions, type DocumentScanResult } from './search/scan-document.js';
export { searchFile, type FileSearchOptions, type FileSearchResult, type FileProgress } from './search/search-file.js';
export { runSearch, type SearchRunOptions, type SearchRunResult, type RunEvents } from './search/run-search.js';
export { writeFinalOutput } from './search/final-output.js';
export { parseUrlList, readUrlList } from './search/url-list.js';

export { writeCsv } from './writers/csv-writer.js';
export { writeNdjson } from './writers/ndjson-writer.js';
export { writeJsonDocument } from './writers/json-writer.js';

export * from './toc/index.js';
export * from './nppes/index.js';
export * from './cloud/index.js';
