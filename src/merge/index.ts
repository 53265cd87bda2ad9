export { mergeSearchOutputs } from './merge-search-outputs.js';
export { parseSearchOutput, checkSearchOutput } from './read-search-output.js';
export { collectMergeSources, type MergeSource } from './collect-merge-inputs.js';
export { mergeResultFiles, type MergedResultFiles } from './merge-result-files.js';
export { writeSearchOutput } from './write-search-output.js';
