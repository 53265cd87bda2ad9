import type { SearchOutput } from '../search/rate-row.js';

/** One line for people: what a (merged) output holds. */
export function summarizeSearchOutput(document: SearchOutput): string {
  const params = document.search_params;
  const parts = [
    `${params.searched_files} files searched`,
    `${params.matched_files} matched`,
    `${document.results.length} rates`,
  ];
  if (document.errors.length > 0) parts.push(`${document.errors.length} errors`);
  if (document.warnings.length > 0) parts.push(`${document.warnings.length} warnings`);
  return parts.join(', ');
}
