import type { TinValue } from '../search/rate-row.js';
import { asArray, asText, getField, isObject, numbersInOneString, type Warn } from './loose-fields.js';
import { comparableTinDigits, normalizeTinDigits, type SearchTarget } from './search-target.js';

/** A provider group reduced to what matched the search. */
export interface MatchedGroup {
  /** The NPIs of the group that the search asked for (or all of them, for a TIN match). */
  npis: number[];
  tin: TinValue;
  providerGroupId?: string;
  networkNames?: string[];
}

/**
 * NPIs as published: an array, a single number or string, strings with spaces, several NPIs in
 * one string ("1000000012, 1000000020"), arrays inside the array. 0 is the schema's placeholder
 * for a TIN-level contract and is kept (a TIN search reports it).
 */
export function readGroupNpis(group: Record<string, unknown>, warn: Warn): number[] {
  const npis: number[] = [];
  const read = (item: unknown): void => {
    if (Array.isArray(item)) {
      warn(`npi holds a list inside its list (${JSON.stringify(item).slice(0, 60)}); its NPIs are read`);
      for (const inner of item) read(inner);
      return;
    }
    if (isObject(item)) {
      warn(`npi value ${JSON.stringify(item).slice(0, 80)} is an object, not an NPI; ignored`);
      return;
    }
    const text = asText(item)?.trim();
    if (text === undefined || text === null) return;
    // Plain digits, a .0 fraction, or a double in exponent form (1.234567893E9) that is a whole NPI.
    if (/^\d{1,10}(\.0+)?$/.test(text) || (/^\d\.\d+[eE]\+?\d+$/.test(text) && Number.isInteger(Number(text)) && Number(text) < 1e10)) {
      npis.push(Number(text));
      return;
    }
    const parts = numbersInOneString(text, /^\d{10}$/);
    if (parts !== undefined) {
      warn(`npi value ${JSON.stringify(item)} holds ${parts.length} NPIs in one string; each is read`);
      for (const part of parts) npis.push(Number(part));
      return;
    }
    warn(`npi value ${JSON.stringify(item)} is not an NPI (a number of up to 10 digits); ignored`);
  };
  for (const item of asArray(getField(group, 'npi', warn))) read(item);
  return npis;
}

/** The TIN exactly as published; the shape problems real files have become warnings. */
export function readGroupTin(group: Record<string, unknown>, warn: Warn): TinValue {
  const raw = getField(group, 'tin', warn);
  if (raw === undefined || raw === null) {
    warn('provider group has no tin; reported with tin value null');
    return { type: null, value: null };
  }
  if (!isObject(raw)) {
    const value = asText(raw);
    warn(`tin is a bare value ${JSON.stringify(raw)} instead of {type, value}; reported as published`);
    return { type: null, value };
  }
  const tin: TinValue = {
    type: asText(getField(raw, 'type', warn)),
    value: asText(getField(raw, 'value', warn)),
  };
  const businessName = asText(getField(raw, 'business_name', warn));
  if (businessName !== null) tin.business_name = businessName;
  if (tin.value === null || /^0+$/.test(tin.value.trim())) {
    warn(`tin value ${JSON.stringify(tin.value)} (type ${tin.type}) is a placeholder, not a real TIN`);
  }
  return tin;
}

/**
 * The part of one provider group the search is interested in, or undefined. A group matches by
 * NPI (only the wanted NPIs are kept; 0 never matches) or by TIN (all its NPIs are kept).
 */
export function matchProviderGroup(
  group: unknown,
  target: SearchTarget,
  warn: Warn,
): MatchedGroup | undefined {
  if (!isObject(group)) return undefined;
  const npis = readGroupNpis(group, warn);
  const wanted = npis.filter((npi) => npi !== 0 && target.npis.has(npi));
  // Read quietly to decide; the TIN of a group that matches is read again with its warnings.
  const tin = wanted.length > 0 && target.tins.size === 0 ? undefined : readGroupTin(group, () => {});
  if (tin?.value != null && target.tins.has(comparableTinDigits(tin.value))) {
    // A TIN-level contract may list no NPI at all (npi missing, null, [], [""]): its rates are
    // still the TIN's, reported under the schema's placeholder NPI 0 as `npi: [0]` would be.
    return { npis: npis.length === 0 ? [0] : [...new Set(npis)], tin: readGroupTin(group, warn) };
  }
  if (wanted.length > 0) return { npis: [...new Set(wanted)], tin: readGroupTin(group, warn) };
  // A provider billing under its own NPI has the NPI as its TIN (type "npi"), and the group may
  // list no NPI besides (npi [0], or none): that NPI is searched for all the same.
  const digits = tin?.value == null ? '' : normalizeTinDigits(tin.value);
  if (tin?.type?.trim().toLowerCase() !== 'npi' || !/^\d{10}$/.test(digits) || !target.npis.has(Number(digits))) return undefined;
  return { npis: [Number(digits)], tin: readGroupTin(group, warn) };
}
