export { listInNetworkFiles } from './list-in-network-files.js';
export type { ListTocOptions } from './list-in-network-files.js';
export { readTocChunks } from './read-toc-stream.js';
export { TocCollector, describeFilters } from './toc-collector.js';
export { normalizePlanId } from './plan-filter.js';
export { findFreshUrl } from './find-fresh-url.js';
export { parseTocFilters } from './parse-toc-filters.js';
export type { TocFile, TocFilters, TocListing, TocPlan } from './toc-types.js';
