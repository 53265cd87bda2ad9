import type { SearchOutput, SearchParams } from '../search/rate-row.js';

/**
 * Combines partial search outputs (one per Fargate task, say) into one document: file counts are
 * summed, the duration is the longest one (the parts ran side by side), and results, errors and
 * warnings are concatenated in input order.
 */
export function mergeSearchOutputs(documents: readonly SearchOutput[]): SearchOutput {
  const params: SearchParams = {
    ...(documents[0]?.search_params ?? {}),
    npis: unionInOrder(documents.map((document) => document.search_params.npis)),
    searched_files: 0,
    matched_files: 0,
    duration_seconds: 0,
  };
  const tinLists = documents.map((document) => document.search_params.tins).filter(isDefined);
  if (tinLists.length > 0) params.tins = unionInOrder(tinLists);
  const codeLists = documents.map((document) => document.search_params.billing_codes).filter(isDefined);
  if (codeLists.length > 0) params.billing_codes = unionInOrder(codeLists);

  const merged: SearchOutput = { search_params: params, results: [], errors: [], warnings: [] };
  for (const document of documents) {
    params.searched_files += document.search_params.searched_files;
    params.matched_files += document.search_params.matched_files;
    params.duration_seconds = Math.max(params.duration_seconds, document.search_params.duration_seconds);
    if (document.search_params.incomplete) params.incomplete = true;
    // push one at a time: spreading a 100k-row array into push() overflows the call stack.
    for (const row of document.results) merged.results.push(row);
    for (const error of document.errors) merged.errors.push(error);
    for (const warning of document.warnings) merged.warnings.push(warning);
  }
  return merged;
}

function unionInOrder<T>(lists: readonly (readonly T[])[]): T[] {
  const seen = new Set<T>();
  for (const list of lists) for (const item of list) seen.add(item);
  return [...seen];
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
