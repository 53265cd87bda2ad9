import { usageError } from '../shared/errors.js';

/** What a search looks for: NPIs, TINs (digits only) and optionally only some billing codes. */
export interface SearchTarget {
  npis: ReadonlySet<number>;
  /** EINs/TINs with the dash removed. */
  tins: ReadonlySet<string>;
  /** "TYPE:CODE" (type upper-cased) or ":CODE" when any type will do; empty means all codes. */
  codes: ReadonlySet<string>;
}

export function makeSearchTarget(
  npis: readonly number[],
  tins: readonly string[] = [],
  codes: readonly string[] = [],
): SearchTarget {
  for (const tin of tins) {
    if (normalizeTinDigits(tin).length !== 9 || /[^0-9\s-]/.test(tin)) {
      throw usageError(
        'NPI_RATES_BAD_TIN',
        `--tin "${tin}" is not a TIN: a TIN/EIN is 9 digits, with or without the dash (12-3456789)`,
        'give the tax identification number as published in the files',
      );
    }
  }
  return {
    npis: new Set(npis),
    tins: new Set(tins.map(normalizeTinDigits)),
    codes: new Set(codes.map(parseCodeFilter)),
  };
}

export function normalizeTinDigits(tin: string): string {
  return tin.replace(/[^0-9]/g, '');
}

/**
 * A TIN's digits as TINs are compared (--tin, and rows that differ only in how it is written): an
 * EIN published as a JSON number lost its leading zero (012345678 became 12345678), so a shorter
 * one is padded back to nine digits.
 */
export function comparableTinDigits(value: string): string {
  const digits = normalizeTinDigits(value);
  return digits.length > 0 && digits.length < 9 ? digits.padStart(9, '0') : digits;
}

/** `CPT:99213` -> "CPT:99213"; `99213` -> ":99213". */
export function parseCodeFilter(text: string): string {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  const type = colon < 0 ? '' : trimmed.slice(0, colon).trim().toUpperCase();
  const code = (colon < 0 ? trimmed : trimmed.slice(colon + 1)).trim();
  if (code === '') {
    throw usageError('NPI_RATES_BAD_CODE', `--code "${text}" has no code`, 'write it as TYPE:CODE, e.g. CPT:99213');
  }
  return `${type}:${comparableCode(code)}`;
}

/**
 * A billing code as --code compares it: files write the same code in other ways (a revenue code
 * 0450 as 450, a DRG as " 0470 ", 0001U as 0001u), so letters are upper-cased and an all-digit
 * code loses its leading zeros. No code system has two codes that differ only in those.
 */
export function comparableCode(code: string): string {
  const upper = code.trim().toUpperCase();
  return /^\d+$/.test(upper) ? upper.replace(/^0+(?=\d)/, '') : upper;
}

/** True when a billing code passes the --code filter (or there is none). */
export function isWantedCode(target: SearchTarget, type: string | null, code: string | null): boolean {
  if (target.codes.size === 0) return true;
  if (code === null) return false;
  const comparable = comparableCode(code);
  return target.codes.has(`:${comparable}`) || target.codes.has(`${(type ?? '').trim().toUpperCase()}:${comparable}`);
}
