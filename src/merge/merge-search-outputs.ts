import type { SearchOutput, SearchParams } from '../search/rate-row.js';

/**
 * Combines partial search outputs (one per Fargate task, say) into one document: file counts are
 * summed, the duration is the longest one (the parts ran side by side), and results, errors and
 * warnings are concatenated in input order. A searched file that two outputs both hold (two
 * partial runs over overlapping lists) is taken from the first only, with a warning; a file
 * that matched nothing and failed nowhere leaves no trace in an output, so it cannot be told.
 * `names`: what each document is called, for that warning.
 */
export function mergeSearchOutputs(documents: readonly SearchOutput[], names: readonly string[] = []): SearchOutput {
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
  /** Searched file -> the document it was first taken from. */
  const takenFrom = new Map<string, number>();
  documents.forEach((document, index) => {
    const files = filesOf(document);
    const repeated = new Set([...files.all].filter((file) => takenFrom.has(file)));
    for (const file of files.all) if (!repeated.has(file)) takenFrom.set(file, index);
    params.searched_files += document.search_params.searched_files - repeated.size;
    params.matched_files += document.search_params.matched_files - [...repeated].filter((file) => files.matched.has(file)).length;
    params.duration_seconds = Math.max(params.duration_seconds, document.search_params.duration_seconds);
    if (document.search_params.incomplete) params.incomplete = true;
    const isKept = (message: { source_file: string }) => !repeated.has(message.source_file);
    // push one at a time: spreading a 100k-row array into push() overflows the call stack.
    for (const row of document.results) if (isKept(row)) merged.results.push(row);
    for (const error of document.errors) if (isKept(error)) merged.errors.push(error);
    for (const warning of document.warnings) if (isKept(warning)) merged.warnings.push(warning);
    for (const file of repeated) {
      const first = takenFrom.get(file)!;
      merged.warnings.push({
        source_file: file,
        message: `searched in both ${names[first] ?? `input ${first + 1}`} and ${names[index] ?? `input ${index + 1}`}; the results of the first are kept`,
      });
    }
  });
  return merged;
}

/** The searched files a document shows: those with rows, and those with errors. */
function filesOf(document: SearchOutput): { all: Set<string>; matched: Set<string> } {
  const matched = new Set(document.results.map((row) => row.source_file));
  const all = new Set(matched);
  for (const error of document.errors) if (error.source_file !== '') all.add(error.source_file);
  return { all, matched };
}

function unionInOrder<T>(lists: readonly (readonly T[])[]): T[] {
  const seen = new Set<T>();
  for (const list of lists) for (const item of list) seen.add(item);
  return [...seen];
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
