import type { SearchOutput, SearchParams } from '../search/rate-row.js';

/**
 * Combines partial search outputs (one per Fargate task, say) into one document: file counts are
 * summed, the duration is the longest one (the parts ran side by side), and results, errors and
 * warnings are concatenated in input order. A searched file that two outputs of the same search
 * both hold (partial runs over overlapping lists) is taken once, with a warning: from the first
 * output where it did not fail. Outputs of different searches keep each row and each file once.
 * A file that matched nothing and failed nowhere leaves no trace
 * in an output, so it cannot be told. `names`: what each document is called, for that warning.
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
  // One output without a code filter has every code: so has the merged one.
  const codeLists = documents.map((document) => document.search_params.billing_codes);
  if (codeLists.every(isDefined)) params.billing_codes = unionInOrder(codeLists);
  else delete params.billing_codes;
  delete params.incomplete;

  const keptFrom = chooseSourceDocuments(documents);
  const merged: SearchOutput = { search_params: params, results: [], errors: [], warnings: [] };
  if (new Set(documents.map(searchOf)).size > 1) {
    // The merged search_params list every NPI, TIN and code; no file was searched for all of them.
    merged.warnings.push({
      source_file: '',
      message: 'these outputs are of different searches (NPIs, TINs or codes): each file was searched only for those of the output it comes from',
    });
  }
  // Outputs of different searches (one with --code, say) can both hold a row of the same file:
  // it is the same rate, so it is kept once. Files such outputs share are counted once too.
  const searches = documents.map(searchOf);
  const isMixed = new Set(searches).size > 1;
  const rowsSeen = new Set<string>();
  const messagesSeen = new Set<string>();
  const isNew = (message: { source_file: string; message: string }, kind: string): boolean => {
    if (!isMixed || message.source_file === '') return true;
    const key = `${kind}\n${message.source_file}\n${message.message}`;
    if (messagesSeen.has(key)) return false;
    messagesSeen.add(key);
    return true;
  };
  const filesCounted = new Map<string, string>();
  let countedTwice = 0;
  documents.forEach((document, index) => {
    const files = filesOf(document);
    const skipped = new Set([...files.all].filter((file) => keptFrom(index, file) !== index));
    // A file interrupted before it finished is not in its output's counts: only counted ones come off.
    const unfinished = new Set(document.errors.filter((error) => error.code === 'NPI_RATES_INTERRUPTED').map((error) => error.source_file));
    const skippedCounted = [...skipped].filter((file) => !unfinished.has(file));
    params.searched_files += document.search_params.searched_files - skippedCounted.length;
    params.matched_files += document.search_params.matched_files - skippedCounted.filter((file) => files.matched.has(file)).length;
    params.duration_seconds = Math.max(params.duration_seconds, document.search_params.duration_seconds);
    const isKept = (message: { source_file: string }) => !skipped.has(message.source_file);
    // push one at a time: spreading a 100k-row array into push() overflows the call stack.
    for (const row of document.results) {
      if (!isKept(row)) continue;
      if (isMixed) {
        const key = JSON.stringify(row);
        if (rowsSeen.has(key)) continue;
        rowsSeen.add(key);
      }
      merged.results.push(row);
    }
    if (isMixed) {
      for (const file of files.all) {
        if (skipped.has(file) || !files.counted.has(file)) continue;
        const countedBy = filesCounted.get(file);
        if (countedBy === undefined) filesCounted.set(file, searches[index]);
        else if (countedBy !== searches[index]) countedTwice++;
      }
    }
    // Outputs of different searches of one file tell the same errors and warnings about it: once each.
    for (const error of document.errors) if (isKept(error) && isNew(error, 'error')) merged.errors.push(error);
    for (const warning of document.warnings) if (isKept(warning) && isNew(warning, 'warning')) merged.warnings.push(warning);
    if (document.search_params.incomplete && isStillIncomplete(document, isKept)) params.incomplete = true;
    for (const file of skipped) {
      const kept = keptFrom(index, file);
      merged.warnings.push({
        source_file: file,
        message: `searched in both ${names[kept] ?? `input ${kept + 1}`} and ${names[index] ?? `input ${index + 1}`}; the results of ${names[kept] ?? `input ${kept + 1}`} are kept`,
      });
    }
  });
  params.searched_files -= countedTwice;
  params.matched_files = Math.min(params.matched_files, new Set(merged.results.map((row) => row.source_file)).size);
  return merged;
}

/**
 * Whether what is kept of an incomplete output still misses rows: a kept error, a kept row of an
 * incomplete file, or a kept warning that says a file is incomplete (a file with no row and no
 * error). An output that is incomplete for no reason it shows stays incomplete.
 */
function isStillIncomplete(document: SearchOutput, isKept: (message: { source_file: string }) => boolean): boolean {
  const showsWhy =
    document.errors.length > 0 || document.results.some((row) => row.from_incomplete_file) || document.warnings.some(saysIncomplete);
  if (!showsWhy) return true;
  return (
    document.errors.some(isKept) ||
    document.results.some((row) => row.from_incomplete_file === true && isKept(row)) ||
    document.warnings.some((warning) => saysIncomplete(warning) && isKept(warning))
  );
}

/** A warning that says its file is incomplete (the reason a merged output is). */
export function saysIncomplete(warning: { message: string }): boolean {
  return /\bincomplete\b/.test(warning.message);
}

/**
 * Per document and searched file, the document whose results of that file are kept: the first
 * where the file did not fail, among the outputs of the same search. Outputs for other NPIs,
 * TINs or codes hold other rows of the same file, and keep them.
 */
function chooseSourceDocuments(documents: readonly SearchOutput[]): (index: number, file: string) => number {
  const searches = documents.map(searchOf);
  const failedIn = (index: number, file: string) => documents[index].errors.some((error) => error.source_file === file);
  const chosen = new Map<string, number>();
  documents.forEach((document, index) => {
    for (const file of filesOf(document).all) {
      const key = `${searches[index]}\n${file}`;
      const earlier = chosen.get(key);
      if (earlier === undefined || (failedIn(earlier, file) && !failedIn(index, file))) chosen.set(key, index);
    }
  });
  return (index, file) => chosen.get(`${searches[index]}\n${file}`) ?? index;
}

/** What an output searched for, as one comparable string. */
function searchOf(document: SearchOutput): string {
  const { npis, tins, billing_codes: codes } = document.search_params;
  return JSON.stringify([[...npis].sort(), [...(tins ?? [])].sort(), codes === undefined ? null : [...codes].sort()]);
}

/**
 * The searched files a document shows: those with rows, errors or warnings (a file with no row
 * can still be incomplete, told by a warning); `counted`: those its searched_files counts (not
 * the ones interrupted before they finished).
 */
function filesOf(document: SearchOutput): { all: Set<string>; matched: Set<string>; counted: Set<string> } {
  const matched = new Set(document.results.map((row) => row.source_file));
  const all = new Set(matched);
  for (const message of [...document.errors, ...document.warnings]) if (message.source_file !== '') all.add(message.source_file);
  const interrupted = new Set(document.errors.filter((error) => error.code === 'NPI_RATES_INTERRUPTED').map((error) => error.source_file));
  const counted = new Set([...all].filter((file) => !interrupted.has(file)));
  return { all, matched, counted };
}

function unionInOrder<T>(lists: readonly (readonly T[])[]): T[] {
  const seen = new Set<T>();
  for (const list of lists) for (const item of list) seen.add(item);
  return [...seen];
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
