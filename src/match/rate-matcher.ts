import type { RateRow } from '../search/rate-row.js';
import {
  asArray,
  asIdKey,
  asNumber,
  asText,
  asTextList,
  getField,
  isObject,
  type Warn,
} from './loose-fields.js';
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
    for (const reference of asArray(getField(rate, 'provider_references', warn))) {
      const id = asIdKey(reference);
      if (id === null) continue;
      const groups = table.lookup(id);
      if (groups) matched.push(...groups);
    }
  }
  if (sources.useInlineGroups) {
    for (const group of asArray(getField(rate, 'provider_groups', warn))) {
      const found = matchProviderGroup(group, target, warn);
      if (found) matched.push(found);
    }
  }
  return matched;
}

/** One row per (matched group and NPI, negotiated price) of a rate. */
export function buildRows(
  sourceFile: string,
  header: ItemHeader,
  rate: Record<string, unknown>,
  groups: MatchedGroup[],
  warn: Warn,
): RateRow[] {
  const rows: RateRow[] = [];
  const prices = asArray(getField(rate, 'negotiated_prices', warn));
  for (const group of groups) {
    for (const npi of group.npis) {
      for (const price of prices) {
        if (!isObject(price)) continue;
        rows.push(buildRow(sourceFile, header, group, npi, price, warn));
      }
    }
  }
  return rows;
}

function buildRow(
  sourceFile: string,
  header: ItemHeader,
  group: MatchedGroup,
  npi: number,
  price: Record<string, unknown>,
  warn: Warn,
): RateRow {
  const rawRate = getField(price, 'negotiated_rate', warn);
  const negotiatedRate = asNumber(rawRate);
  if (negotiatedRate === null && rawRate !== undefined && rawRate !== null) {
    warn(`negotiated_rate ${JSON.stringify(rawRate)} is not a number; reported as null`);
  }
  const serviceCodes = asTextList(getField(price, 'service_code', warn));
  // Built in output order; absent optional fields stay undefined, which JSON leaves out.
  const row: RateRow = {
    source_file: sourceFile,
    npi,
    tin: group.tin,
    billing_code_type: header.billing_code_type,
    billing_code: header.billing_code ?? '',
    billing_code_description: header.description,
    negotiation_arrangement: header.negotiation_arrangement,
    negotiated_rate: negotiatedRate,
    negotiated_type: asText(getField(price, 'negotiated_type', warn)),
    billing_class: asText(getField(price, 'billing_class', warn)),
    setting: asText(getField(price, 'setting', warn)) ?? undefined,
    expiration_date: asText(getField(price, 'expiration_date', warn)),
    service_code: serviceCodes,
    billing_code_modifier: asTextList(getField(price, 'billing_code_modifier', warn)),
    network_name: group.networkNames,
    billing_code_type_version: header.billing_code_type_version || undefined,
    name: header.name || undefined,
    service_code_wildcard: serviceCodes.includes('CSTM-00') ? true : undefined,
    additional_information: asText(getField(price, 'additional_information', warn)) ?? undefined,
    occurrences: 1,
  };
  return row;
}
