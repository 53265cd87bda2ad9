import type { ReferenceTable } from '../match/reference-table.js';
import type { SearchTarget } from '../match/search-target.js';
import {
  COLON,
  COMMA,
  FULL_STOP,
  LEFT_SQUARE_BRACKET,
  QUOTATION_MARK,
  RIGHT_SQUARE_BRACKET,
  isDigit,
  isWhitespace,
} from './bytes.js';
import { asciiBytes, indexOfBytes } from './byte-search.js';
import { PatternSearch } from './kernel/pattern-search.js';

/** Above this many NPIs or TINs, per-pattern byte searches cost more than parsing candidates. */
const MAX_PATTERNS = 16;
const REFERENCES_KEY = asciiBytes('"provider_references"');
const GROUPS_KEY = asciiBytes('"provider_groups"');
// Another capitalisation of either key sends the element to the full parser.
const LOOSE_REFERENCES_PATTERNS = ['EFERENCES', 'eferences'].map(asciiBytes);
const LOOSE_GROUPS_PATTERNS = ['ROUPS', 'roups'].map(asciiBytes);
const LOCATION_PATTERNS = ['"location"', 'OCATION"'].map(asciiBytes);

/**
 * Cheap byte checks that decide whether a captured element can produce a row, so that
 * JSON.parse runs only on candidates. A false "yes" costs one parse; a false "no" would lose
 * rows, so every uncertain shape answers yes.
 */
export class RatePrefilter {
  private readonly patterns: Uint8Array[];
  private readonly isPatternSearchUseful: boolean;
  // The WebAssembly searches, when the runtime has them (undefined: plain indexOf per pattern).
  private readonly patternKernel: PatternSearch | undefined;
  private readonly groupsKeyKernel = PatternSearch.create([GROUPS_KEY]);
  /** Set once any negotiated rate named provider_references (decides the second pass). */
  sawReferencedRate = false;

  constructor(target: SearchTarget) {
    this.patterns = searchedDigitPatterns(target);
    this.isPatternSearchUseful = this.patterns.length <= MAX_PATTERNS;
    this.patternKernel = this.isPatternSearchUseful ? PatternSearch.create(this.patterns) : undefined;
  }

  /** Could this provider_references element hold a wanted group (or a remote location)? */
  referenceMightMatch(bytes: Uint8Array): boolean {
    return this.containsPattern(bytes) || LOCATION_PATTERNS.some((p) => indexOfBytes(bytes, p) >= 0);
  }

  /** Could this negotiated_rates element produce a row? */
  rateMightMatch(bytes: Uint8Array, table: ReferenceTable, useReferences: boolean, useInline: boolean): boolean {
    // Most files write the key first: a byte comparison there saves a search of the element.
    const referencesAt = startsWithAt(bytes, 1, REFERENCES_KEY) ? 1 : indexOfBytes(bytes, REFERENCES_KEY);
    if (referencesAt >= 0) {
      this.sawReferencedRate = true;
      // The key may also sit in an object nested in the rate ({"other": {"provider_references": [2]}}),
      // before or after the rate's own: each place it occurs is read.
      for (let at = referencesAt; useReferences && at >= 0; at = indexOfBytes(bytes, REFERENCES_KEY, at + REFERENCES_KEY.length)) {
        if (this.referencesHit(bytes, at + REFERENCES_KEY.length, table)) return true;
      }
    }
    // The NPI or TIN digits are rarer than the key, so they are looked for first.
    if (useInline && this.containsPattern(bytes) && this.containsGroupsKey(bytes)) return true;
    if (referencesAt < 0) {
      // Only a references key means the rate refers to groups by id (for the second-pass and
      // no-provider_references decisions); a groups key is inline groups.
      const hasLooseReferences = LOOSE_REFERENCES_PATTERNS.some((p) => hasKeyEndingIn(bytes, p));
      if (hasLooseReferences) this.sawReferencedRate = true;
      if (hasLooseReferences || LOOSE_GROUPS_PATTERNS.some((p) => hasKeyEndingIn(bytes, p))) return useReferences || useInline;
    }
    return false;
  }

  private containsGroupsKey(bytes: Uint8Array): boolean {
    return this.groupsKeyKernel?.containsAny(bytes) ?? indexOfBytes(bytes, GROUPS_KEY) >= 0;
  }

  private containsPattern(bytes: Uint8Array): boolean {
    if (!this.isPatternSearchUseful) return true;
    const found = this.patternKernel?.containsAny(bytes);
    if (found !== undefined) return found;
    for (const pattern of this.patterns) {
      if (indexOfBytes(bytes, pattern) >= 0) return true;
    }
    return false;
  }

  /**
   * Reads the ids after `"provider_references"` straight from the bytes: an array or a single
   * value, numbers or digit strings. Anything unusual answers "maybe" (true).
   */
  private referencesHit(bytes: Uint8Array, start: number, table: ReferenceTable): boolean {
    if (!table.hasMatches) return false;
    let i = skipWhitespace(bytes, start);
    if (bytes[i] !== COLON) return true;
    i = skipWhitespace(bytes, i + 1);
    const isList = bytes[i] === LEFT_SQUARE_BRACKET;
    if (isList) i = skipWhitespace(bytes, i + 1);
    while (i < bytes.length) {
      if (isList && bytes[i] === RIGHT_SQUARE_BRACKET) return false;
      const isQuoted = bytes[i] === QUOTATION_MARK;
      if (isQuoted) i++;
      let id = 0;
      let digits = 0;
      while (i < bytes.length && isDigit(bytes[i]) && digits < 15) {
        id = id * 10 + (bytes[i] - 48);
        i++;
        digits++;
      }
      if (digits === 0 || bytes[i] === FULL_STOP || digits === 15) return true;
      if (isQuoted) {
        if (bytes[i] !== QUOTATION_MARK) return true;
        i++;
      }
      if (table.matchedNumericIds.has(id)) return true;
      if (!isList) return false;
      i = skipWhitespace(bytes, i);
      if (bytes[i] === COMMA) i = skipWhitespace(bytes, i + 1);
      else if (bytes[i] !== RIGHT_SQUARE_BRACKET) return true;
    }
    return true;
  }
}

/**
 * Writers that hold NPIs and TINs as doubles (Java's Double.toString, Jackson) print them in
 * exponent form, 1.234567893E9, where the digits are not together. Every such NPI (10 digits)
 * ends in one of these exponents, every such TIN (9 digits) in the next ones, whatever its value.
 */
const NPI_EXPONENTS = ['E9', 'e9', '+9', '+09'];
const TIN_EXPONENTS = ['E8', 'e8', '+8', '+08'];

/**
 * The bytes any group wanted by the search must hold: each NPI's digits, each TIN's last seven,
 * or the exponent of either written as a floating-point number.
 */
export function searchedDigitPatterns(target: SearchTarget): Uint8Array[] {
  const npiPatterns = [...target.npis].map((npi) => String(npi));
  // A TIN may be written with or without its dash: its last seven digits are always together.
  const tinPatterns = [...target.tins].map((tin) => tin.slice(-7));
  const exponents = [...(npiPatterns.length > 0 ? NPI_EXPONENTS : []), ...(tinPatterns.length > 0 ? TIN_EXPONENTS : [])];
  return [...npiPatterns, ...tinPatterns, ...exponents].map(asciiBytes);
}

/**
 * Does `ending` end a key in `bytes`: the key's closing quote next (after any spaces inside the
 * key, as in "provider_references "), then a colon?
 */
function hasKeyEndingIn(bytes: Uint8Array, ending: Uint8Array): boolean {
  for (let at = indexOfBytes(bytes, ending); at >= 0; at = indexOfBytes(bytes, ending, at + 1)) {
    const quote = skipWhitespace(bytes, at + ending.length);
    if (bytes[quote] === QUOTATION_MARK && bytes[skipWhitespace(bytes, quote + 1)] === COLON) return true;
  }
  return false;
}

function startsWithAt(bytes: Uint8Array, at: number, prefix: Uint8Array): boolean {
  if (bytes.length < at + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    if (bytes[at + i] !== prefix[i]) return false;
  }
  return true;
}

function skipWhitespace(bytes: Uint8Array, from: number): number {
  let i = from;
  while (i < bytes.length && isWhitespace(bytes[i])) i++;
  return i;
}
