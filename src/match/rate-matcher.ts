import { asIdKeys, asObjectList, getField, type Warn } from './loose-fields.js';
import { matchProviderGroup, type MatchedGroup } from './provider-group.js';
import type { ReferenceTable } from './reference-table.js';
import type { SearchTarget } from './search-target.js';

/** The fields of an in_network item that every row of it repeats. */
export interface ItemHeader {
  billing_code: string | null;
  billing_code_type: string | null;
  billing_code_type_version?: string;
  description: string | null;
  name?: string;
  /** Lists of an item's codes, kept as published (objects). */
  bundled_codes?: unknown[];
  covered_services?: unknown[];
  negotiation_arrangement: string | null;
}

export function emptyItemHeader(): ItemHeader {
  return { billing_code: null, billing_code_type: null, description: null, negotiation_arrangement: null };
}

/** Which provider groups of a negotiated rate to consider (see the two-pass scan). */
export interface GroupSources {
  useReferences: boolean;
  useInlineGroups: boolean;
}

/** The provider groups of one negotiated rate that the search wants: referenced and inline. */
export function matchRateGroups(
  rate: Record<string, unknown>,
  table: ReferenceTable,
  target: SearchTarget,
  sources: GroupSources,
  warn: Warn,
): MatchedGroup[] {
  const matched: MatchedGroup[] = [];
  if (sources.useReferences) {
    for (const id of asIdKeys(getField(rate, 'provider_references', warn), warn)) {
      const groups = table.lookup(id);
      if (groups) matched.push(...groups);
    }
  }
  if (sources.useInlineGroups) {
    for (const group of asObjectList(getField(rate, 'provider_groups', warn), 'provider_groups', warn)) {
      const found = matchProviderGroup(group, target, warn);
      if (found) matched.push(found);
    }
  }
  return matched;
}
