export { splitFile } from './split-file.js';
export { splitJsonStream, DEFAULT_CHUNK_BYTES, HEADER_FILE_NAME } from './split-json-stream.js';
export type { SplitSummary, SplitArraySummary } from './split-json-stream.js';
