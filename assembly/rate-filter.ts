/**
 * WebAssembly kernel that reads a whole negotiated_rates array and stops only at the elements that
 * may produce a row, so JavaScript never sees the others (about 99% of them in a usual search).
 * It walks the array like container-end.ts (64 bytes per step, masks for quotes, backslashes and
 * brackets) and, per element, decides from the bytes:
 *   - a member array whose key ends in "references" (any capitalisation): its ids are read and
 *     looked up in a hash set of the matched group ids; any id it cannot read answers "maybe";
 *   - with inline groups wanted: does any searched pattern (NPI or TIN digits) lie in the element;
 *   - an element with no such array that still holds `references"` (a single id, not a list):
 *     "maybe" while any group matched.
 * "Maybe" is always safe: the caller parses the element and decides. Elements that began in an
 * earlier window are always returned, since their first bytes are no longer here.
 *
 * Built by scripts/build-wasm.mjs into src/scan/kernel/rate-filter-wasm.ts; the TypeScript side
 * is src/scan/kernel/rate-filter.ts. Memory layout (one fixed 49-page memory):
 *   [0, 4096)                    open-bracket stack of the array being read ('{' or '[')
 *   [4096, 8192)                 up to 16 patterns, 256 bytes each: length, then the bytes
 *   [DATA, DATA + WINDOW)        the bytes being scanned, copied in by the caller
 *   [DATA + WINDOW, + 4096)      slack: SIMD loads may run past the end (results are masked)
 *   [BITMAP, + 1 MiB)            one bit per id below 2^23: is it a matched group id?
 *   [HASH, HASH + 8 << 17)       matched ids from 2^23 up, + 1 (0 is an empty slot), open addressing
 *   [NEXT_HITS, + 64)            per pattern, where it next occurs in the window
 */
import {
  blockNeedsByteByByte,
  classifyBlock,
  findPattern,
  isStructuralByte,
  leaveStrings,
  resetStrings,
  takeBlockStrings,
} from './simd-blocks';

const STACK: usize = 0;
const PATTERNS: usize = 4096;
const PATTERN_SLOT: usize = 256;
const MAX_PATTERNS: i32 = 16;
const DATA: usize = 8192;
const WINDOW: i32 = 1 << 20;
const BITMAP: usize = DATA + <usize>WINDOW + 4096;
/** Ids below this are looked up in the bitmap: one load, no hashing (most files number groups from 1). */
const BITMAP_IDS: u64 = 1 << 23;
const HASH: usize = BITMAP + <usize>(BITMAP_IDS >> 3);
const MAX_HASH_BITS: i32 = 17;
/** 2^64 divided by the golden ratio: multiplying by it spreads consecutive ids over the slots. */
const FIBONACCI_MULTIPLIER: u64 = 0x9e3779b97f4a7c15;
/** Per pattern (i32): where it next occurs in the window at or after the last element looked at. */
const NEXT_HITS: usize = HASH + (<usize>8 << <usize>MAX_HASH_BITS);
const MAX_DEPTH: i32 = 4096;
/** Ids longer than this are not read as numbers (the same limit as the JavaScript prefilter). */
const MAX_ID_DIGITS: i32 = 15;

const QUOTATION_MARK: i32 = 0x22; // "
const LEFT_SQUARE_BRACKET: i32 = 0x5b; // [
const LEFT_CURLY_BRACKET: i32 = 0x7b; // {   ('[' | 0x20 is '{' too)
const RIGHT_CURLY_BRACKET: i32 = 0x7d; // }  (']' | 0x20 is '}' too)
const COLON: i32 = 0x3a;
const COMMA: i32 = 0x2c;
const RIGHT_SQUARE_BRACKET: i32 = 0x5d;

// Results of next().
export const NEED_MORE: i32 = -1;
export const MISMATCHED_BRACKET: i32 = -2;
export const TOO_DEEP: i32 = -3;
/** An element follows the one before it without a comma (`} {`); resultPosition is its bracket. */
export const MISSING_COMMA: i32 = -4;
/** A comma with no element after it (`[,`, `,,`, `,]`); resultPosition is the byte after it. */
export const EMPTY_ELEMENT: i32 = -5;
export const CANDIDATE: i32 = 1;
export const ARRAY_END: i32 = 2;
const GO_ON: i32 = 0;

/** elementStart when no element is open, and when the open one began in an earlier window. */
export const NO_ELEMENT: i32 = -2;
export const BEGAN_EARLIER: i32 = -1;
const NOT_SEARCHED: i32 = -1;
const NOT_FOUND: i32 = 0x7fffffff;

let depth: i32 = 0;
let dataEnd: i32 = 0;
/** Where the last result happened: the candidate's closing bracket, the array's ']', a bad byte. */
let position: i32 = 0;

let elementStart: i32 = NO_ELEMENT;
/** The window begins right after the array's '[' (the caller read it): what precedes is known. */
let windowFollowsArrayOpen: i32 = 0;
let isNextWindowFirst: i32 = 0;
/** Where the last CANDIDATE began (BEGAN_EARLIER when before the window). */
let candidateStart: i32 = NO_ELEMENT;
let elementIndex: i32 = -1;
let elementIsMaybe: i32 = 0;
let elementHasReferences: i32 = 0;
/** The element has a member whose key ends in "groups": only then can it hold inline groups. */
let elementHasGroups: i32 = 0;
let elementHasPrices: i32 = 0;
/** A "...groups", "...references" or "...prices" member came twice: JSON.parse would keep the last. */
let elementRepeatsMember: i32 = 0;

let useReferences: i32 = 0;
let useInline: i32 = 0;
/** Any referenced group matched (some ids may not be numbers: those are read as "maybe"). */
let hasMatches: i32 = 0;
let patternCount: i32 = 0;
/** More patterns than the kernel holds: every element is a maybe for inline groups. */
let isEveryElementInlineMaybe: i32 = 0;
let hashBits: i32 = 0;
/** Matched ids held in the hash (those too large for the bitmap). */
let hashedIds: i32 = 0;
/** More matched ids than the hash set holds: every element with references is a maybe. */
let isEveryReferenceMaybe: i32 = 0;
/** Set once any element held a references array or key (for the caller's second-pass decision). */
let sawReferences: i32 = 0;


export function dataOffset(): i32 {
  return DATA as i32;
}

export function windowBytes(): i32 {
  return WINDOW;
}

export function patternsOffset(): i32 {
  return PATTERNS as i32;
}

export function maxPatternBytes(): i32 {
  return (PATTERN_SLOT as i32) - 1;
}

export function resultPosition(): i32 {
  return position;
}

export function openElementStart(): i32 {
  return elementStart;
}

export function candidateStartIndex(): i32 {
  return candidateStart;
}

export function currentElementIndex(): i32 {
  return elementIndex;
}

export function sawReferencesArray(): i32 {
  return sawReferences;
}

/** For the element just handed over: did it repeat a groups, references or prices member? */
export function candidateRepeatsMember(): i32 {
  return elementRepeatsMember;
}

/** For the element just handed over: has it a member whose key ends in "groups"? */
export function candidateHasGroups(): i32 {
  return elementHasGroups;
}

export function innermostOpenBracket(): i32 {
  return depth > 0 ? load<u8>(STACK + (depth - 1)) : 0;
}

/**
 * The caller has written `count` patterns (the searched NPIs' and TINs' digits) into their slots;
 * more than 16 makes every element a maybe for inline groups.
 */
export function usePatterns(count: i32): void {
  patternCount = count < MAX_PATTERNS ? count : MAX_PATTERNS;
  isEveryElementInlineMaybe = <i32>(count > MAX_PATTERNS);
}

/**
 * Which groups can make a row from now on: referenced ones (by id, once any matched), inline ones
 * (by pattern).
 */
export function useGroups(references: i32, inline: i32, anyMatched: i32): void {
  useReferences = references;
  useInline = inline;
  hasMatches = anyMatched;
}

/** Empties the id set, sized for `ids` ids (more than it holds makes every reference a maybe). */
export function clearIds(ids: i32): void {
  isEveryReferenceMaybe = <i32>(ids > (1 << (MAX_HASH_BITS - 1)));
  hashBits = 4;
  while ((1 << hashBits) < ids * 2 && hashBits < MAX_HASH_BITS) hashBits++;
  memory.fill(HASH, 0, <usize>8 << <usize>hashBits);
  memory.fill(BITMAP, 0, <usize>(BITMAP_IDS >> 3));
  hashedIds = 0;
}

/** Adds a matched numeric group id (an integer below 2^53) to the set. */
export function addId(id: f64): void {
  if (isEveryReferenceMaybe) return;
  if (<u64>id < BITMAP_IDS) {
    const word = BITMAP + (<usize>(<u64>id >> 5) << 2);
    store<u32>(word, load<u32>(word) | (1 << <u32>(<u64>id & 31)));
    return;
  }
  const key = <u64>id + 1;
  const mask = (1 << hashBits) - 1;
  let slot = slotOf(key);
  while (true) {
    const held = load<u64>(HASH + (<usize>slot << 3));
    if (held == key) return;
    if (held == 0) break;
    slot = (slot + 1) & mask;
  }
  store<u64>(HASH + (<usize>slot << 3), key);
  hashedIds++;
}

function slotOf(key: u64): i32 {
  return <i32>((key * FIBONACCI_MULTIPLIER) >> <u64>(64 - hashBits));
}

function hasId(id: u64): bool {
  if (id < BITMAP_IDS) return ((load<u32>(BITMAP + (<usize>(id >> 5) << 2)) >> <u32>(id & 31)) & 1) != 0;
  if (hashedIds == 0) return false;
  const key = id + 1;
  const mask = (1 << hashBits) - 1;
  let slot = slotOf(key);
  while (true) {
    const held = load<u64>(HASH + (<usize>slot << 3));
    if (held == key) return true;
    if (held == 0) return false;
    slot = (slot + 1) & mask;
  }
}

/** The caller has read the array's '['. */
export function beginArray(): void {
  store<u8>(STACK, LEFT_SQUARE_BRACKET);
  depth = 1;
  resetStrings();
  elementStart = NO_ELEMENT;
  elementIndex = -1;
  // The '[' lies in the current window unless the next one is loaded first: then that one follows it.
  windowFollowsArrayOpen = 0;
  isNextWindowFirst = 1;
}

/** New bytes are in the window: [0, length). An element still open began in an earlier window. */
export function loadedWindow(length: i32): void {
  dataEnd = length;
  windowFollowsArrayOpen = isNextWindowFirst;
  isNextWindowFirst = 0;
  if (elementStart != NO_ELEMENT) elementStart = BEGAN_EARLIER;
  for (let p = 0; p < MAX_PATTERNS; p++) store<i32>(NEXT_HITS + (<usize>p << 2), NOT_SEARCHED);
}

/**
 * Scans data[start, dataEnd). Returns CANDIDATE (the element ends at resultPosition; it began at
 * candidateStartIndex, or in an earlier window), ARRAY_END (the ']' at resultPosition), NEED_MORE
 * (the window is used up; state is kept), MISMATCHED_BRACKET or TOO_DEEP (at resultPosition).
 */
export function next(start: i32): i32 {
  const end = dataEnd;
  let p = start;
  while (p < end) {
    const at = DATA + <usize>p;
    const left = end - p;
    const valid: u64 = left >= 64 ? <u64>-1 : ((<u64>1) << <u64>left) - 1;
    const brackets = classifyBlock(at, valid);
    if (blockNeedsByteByByte()) {
      const result = nextByteByByte(p, left >= 64 ? p + 64 : end);
      if (result != GO_ON) return result;
      p += 64;
      continue;
    }
    takeBlockStrings();
    let outside = brackets;
    // Brackets deeper than an element's members (inside prices, say) only nest: most brackets
    // are those, and they are handled here, with the depth in a local, without a call.
    // Opening and closing brackets come in no predictable order, so one branch takes both: an
    // opening one is pushed (storing above the top is harmless for a closing one), a closing
    // one must match the top, and the depth moves by one either way.
    let level = depth;
    while (outside != 0) {
      const i = p + <i32>ctz(outside);
      const byte = <i32>load<u8>(DATA + <usize>i);
      outside &= outside - 1;
      const isOpening = (byte >> 1) & 1;
      const isMatchingClose = <i32>(<i32>load<u8>(STACK + <usize>(level - 1)) + 2 == byte);
      if ((<i32>(level >= 3) & <i32>(level < MAX_DEPTH) & (isOpening | isMatchingClose)) != 0) {
        store<u8>(STACK + <usize>level, byte);
        level += (isOpening << 1) - 1;
        continue;
      }
      depth = level;
      const result = onBracket(i, byte);
      level = depth;
      if (result != GO_ON) {
        // Every result lies on a bracket outside any string.
        leaveStrings();
        return result;
      }
    }
    depth = level;
    p += 64;
  }
  return NEED_MORE;
}

/** The same walk one byte at a time, for blocks with backslashes or a carried escape. */
function nextByteByByte(start: i32, end: i32): i32 {
  for (let i = start; i < end; i++) {
    const byte = <i32>load<u8>(DATA + <usize>i);
    if (!isStructuralByte(byte)) continue;
    const folded = byte | 0x20;
    if (folded == LEFT_CURLY_BRACKET || folded == RIGHT_CURLY_BRACKET) {
      const result = onBracket(i, byte);
      if (result != GO_ON) return result;
    }
  }
  return GO_ON;
}

/** One bracket outside strings: nesting, element boundaries, and the decision at an element's end. */
function onBracket(i: i32, byte: i32): i32 {
  // Bit 1 tells them apart: '{' 0x7b and '[' 0x5b have it, '}' 0x7d and ']' 0x5d do not.
  if ((byte >> 1) & 1) {
    if (depth == MAX_DEPTH) {
      position = i;
      return TOO_DEEP;
    }
    if (depth == 1) {
      const separator = checkSeparatorBefore(i);
      if (separator != GO_ON) return separator;
      elementStart = i;
      elementIndex++;
      // A rate that is a list (extra nesting) has its members one level deeper than they are
      // looked for: always handed over. Rare, so it costs nothing.
      elementIsMaybe = <i32>(byte == LEFT_SQUARE_BRACKET);
      elementHasReferences = 0;
      elementHasGroups = 0;
      elementHasPrices = 0;
      elementRepeatsMember = 0;
    } else if (depth == 2) {
      readMemberContainer(i, byte);
    }
    store<u8>(STACK + <usize>depth, byte);
    depth++;
    return GO_ON;
  }
  if (<i32>load<u8>(STACK + <usize>(depth - 1)) + 2 != byte) {
    position = i;
    return MISMATCHED_BRACKET;
  }
  depth--;
  if (depth == 1) {
    const isCandidate = isElementCandidate(i);
    const start = elementStart;
    elementStart = NO_ELEMENT;
    if (isCandidate) {
      candidateStart = start;
      position = i;
      return CANDIDATE;
    }
    return GO_ON;
  }
  if (depth == 0) {
    const before = previousNonSpace(i);
    if (before >= 0 && <i32>load<u8>(DATA + <usize>before) == COMMA) {
      position = i;
      return EMPTY_ELEMENT;
    }
    position = i;
    return ARRAY_END;
  }
  return GO_ON;
}

/**
 * The bytes before an element's opening bracket: only a comma after a value, or the array's '['
 * (which may lie in an earlier window, where the check stops), may precede it. Lenient reading
 * would quietly accept JSON no other parser does, so the walker reports it as damage.
 */
function checkSeparatorBefore(i: i32): i32 {
  const isFirst = elementIndex < 0;
  const before = previousNonSpace(i);
  // The window begins after the bytes before (the check stops), or here is the array's own '['
  // (a '[' at this depth would have opened an element).
  if (before < 0) return GO_ON;
  const byte = <i32>load<u8>(DATA + <usize>before);
  if (byte == LEFT_SQUARE_BRACKET) return GO_ON;
  if (byte != COMMA) {
    position = i;
    return MISSING_COMMA;
  }
  const beforeComma = previousNonSpace(before);
  const valueEnd = beforeComma < 0 ? -1 : <i32>load<u8>(DATA + <usize>beforeComma);
  const isEmpty =
    valueEnd == COMMA || (isFirst && (valueEnd == LEFT_SQUARE_BRACKET || (beforeComma < 0 && windowFollowsArrayOpen != 0)));
  if (isEmpty) {
    position = before;
    return EMPTY_ELEMENT;
  }
  return GO_ON;
}

/** Index of the last byte before `i` in the window that is not JSON whitespace, or -1. */
function previousNonSpace(i: i32): i32 {
  let at = i - 1;
  while (at >= 0) {
    const byte = <i32>load<u8>(DATA + <usize>at);
    if (byte != 0x20 && byte != 0x0a && byte != 0x0d && byte != 0x09) return at;
    at--;
  }
  return -1;
}

/**
 * An array or object directly inside an element: its key decides what it is. A key ending in
 * "references" with an array: note it and read its ids. A key ending in "groups": the element may
 * hold inline groups. The key is found by looking back from the bracket: `key" :` with optional spaces.
 */
function readMemberContainer(bracket: i32, byte: i32): void {
  let k = skipSpaceBackward(bracket - 1);
  if (k < 0) {
    elementIsMaybe = 1; // the key lies in an earlier window
    return;
  }
  if (<i32>load<u8>(DATA + <usize>k) != COLON) return;
  k = skipSpaceBackward(k - 1);
  if (k < 11) {
    elementIsMaybe = 1;
    return;
  }
  if (<i32>load<u8>(DATA + <usize>k) != QUOTATION_MARK) return;
  // A key may end in spaces ("provider_references "): its last letter is looked for before them.
  const keyEnd = skipSpaceBackward(k - 1) + 1;
  if (keyEnd < 11) {
    elementIsMaybe = 1;
    return;
  }
  if (endsWithGroups(keyEnd)) {
    elementRepeatsMember |= elementHasGroups;
    elementHasGroups = 1;
    return;
  }
  if (endsWithPrices(keyEnd)) {
    elementRepeatsMember |= elementHasPrices;
    elementHasPrices = 1;
    return;
  }
  if (byte != LEFT_SQUARE_BRACKET || !endsWithReferences(keyEnd)) return;
  elementRepeatsMember |= elementHasReferences;
  elementHasReferences = 1;
  sawReferences = 1;
  if (!useReferences || !hasMatches) return;
  if (isEveryReferenceMaybe || !readIds(bracket + 1)) elementIsMaybe = 1;
}

/** True when the 6 bytes before the quote at `quoteAt` spell "groups" in any capitalisation. */
function endsWithGroups(quoteAt: i32): bool {
  const at = DATA + <usize>(quoteAt - 6);
  return (load<u32>(at) | 0x20202020) == 0x756f7267 && (<u32>load<u16>(at, 4) | 0x2020) == 0x7370;
}

/** True when the 6 bytes before the quote at `quoteAt` spell "prices" in any capitalisation. */
function endsWithPrices(quoteAt: i32): bool {
  const at = DATA + <usize>(quoteAt - 6);
  return (load<u32>(at) | 0x20202020) == 0x63697270 && (<u32>load<u16>(at, 4) | 0x2020) == 0x7365;
}

/** True when the 10 bytes before the quote at `quoteAt` spell "references" in any capitalisation. */
function endsWithReferences(quoteAt: i32): bool {
  const at = DATA + <usize>(quoteAt - 10);
  // "references" as two little-endian words and a halfword, each byte folded to lower case.
  const head = load<u32>(at) | 0x20202020;
  const middle = load<u32>(at, 4) | 0x20202020;
  const tail = <u32>load<u16>(at, 8) | 0x2020;
  return head == 0x65666572 && middle == 0x636e6572 && tail == 0x7365;
}

/**
 * Reads the ids of a references array starting after its '['. Returns false when the element
 * must be handed over ("maybe"): an id matched, or something other than plain ids was met.
 * Compact lists of short ids (`[12,345,6789]`, nearly every file) take a branch-light path that
 * reads eight bytes at once; anything else (spaces, quotes, long ids) is read byte by byte.
 */
function readIds(from: i32): bool {
  let i = from;
  while (true) {
    const digits = load<u64>(DATA + <usize>i) - 0x3030303030303030;
    // A byte's top bit ends up set when it was not '0'-'9' (below '0' wraps around to 0xd0 and up).
    const nonDigits = (((digits & 0x7f7f7f7f7f7f7f7f) + 0x7676767676767676) | digits) & 0x8080808080808080;
    const length = <i32>(ctz(nonDigits) >> 3);
    if (length == 0 || length == 8) return readIdsByteByByte(from);
    if (hasId(decimalValue(digits, length))) return false;
    i += length;
    const next = <i32>load<u8>(DATA + <usize>i);
    if (next == RIGHT_SQUARE_BRACKET) return true;
    if (next != COMMA) return readIdsByteByByte(from);
    i++;
  }
}

/**
 * The value of the first `length` (1-7) digits in `digits`: ASCII digits less '0', first digit in
 * the lowest byte. Shifting left drops the bytes after the number and puts zeros in front of it;
 * then three multiplications add neighbouring digits pairwise (tens, hundreds, ten-thousands).
 */
function decimalValue(digits: u64, length: i32): u64 {
  const shift = <u64>((8 - length) << 3);
  let value = digits << shift;
  value = (((value & 0x0f0f0f0f0f0f0f0f) * 2561) >> 8) & 0x00ff00ff00ff00ff;
  value = ((value * 6553601) >> 16) & 0x0000ffff0000ffff;
  return (value * 42949672960001) >> 32;
}

function readIdsByteByByte(from: i32): bool {
  let i = skipSpaceForward(from);
  while (i < dataEnd) {
    let byte = <i32>load<u8>(DATA + <usize>i);
    if (byte == RIGHT_SQUARE_BRACKET) return true;
    const isQuoted = byte == QUOTATION_MARK;
    if (isQuoted) i++;
    let id: u64 = 0;
    let digits = 0;
    while (i < dataEnd && digits <= MAX_ID_DIGITS) {
      const digit = <i32>load<u8>(DATA + <usize>i) - 0x30;
      if (<u32>digit > 9) break;
      id = id * 10 + <u64>digit;
      digits++;
      i++;
    }
    if (digits == 0 || digits > MAX_ID_DIGITS || i >= dataEnd) return false;
    byte = <i32>load<u8>(DATA + <usize>i);
    if (isQuoted) {
      if (byte != QUOTATION_MARK) return false;
      i++;
    }
    if (hasId(id)) return false;
    i = skipSpaceForward(i);
    if (i >= dataEnd) return false;
    byte = <i32>load<u8>(DATA + <usize>i);
    if (byte == COMMA) i = skipSpaceForward(i + 1);
    else if (byte != RIGHT_SQUARE_BRACKET) return false;
  }
  return false;
}

function isElementCandidate(end: i32): bool {
  const start = elementStart;
  if (start < 0 || elementIsMaybe) return true;
  // Searching every element for the NPI digits would cost a pass over all the bytes; only an
  // element with a "...groups" member can hold a group inline.
  if (useInline && elementHasGroups && (isEveryElementInlineMaybe || hasPatternWithin(start, end))) return true;
  if (elementHasReferences || !useReferences) return false;
  // No references array: a single id under a references key still counts.
  if (!hasReferencesKeyWithin(start, end)) return false;
  sawReferences = 1;
  return hasMatches != 0;
}

/** Does any pattern start within [start, end]? Each pattern's next hit is searched once per window. */
function hasPatternWithin(start: i32, end: i32): bool {
  for (let p = 0; p < patternCount; p++) {
    const slot = NEXT_HITS + (<usize>p << 2);
    let hit = load<i32>(slot);
    if (hit < start) {
      const found = findPattern(DATA, start, dataEnd, PATTERNS + <usize>p * PATTERN_SLOT);
      hit = found < 0 ? NOT_FOUND : found;
      store<i32>(slot, hit);
    }
    if (hit <= end) return true;
  }
  return false;
}

/** Does a key ending in `references"` (any capitalisation) occur within [start, end]? */
function hasReferencesKeyWithin(start: i32, end: i32): bool {
  const quote = i8x16.splat(<i8>QUOTATION_MARK);
  const letterS = i8x16.splat(0x73);
  const caseBit = i8x16.splat(0x20);
  const space = i8x16.splat(0x20);
  const tab = i8x16.splat(0x09);
  // Candidates: a quote with an 's' (either case), a space or a tab just before it (a key may
  // end in spaces); then the 10 bytes before the spaces are compared.
  for (let i = start + 10; i <= end; i += 16) {
    const at = DATA + <usize>i;
    const quotes = i8x16.eq(v128.load(at), quote);
    const raw = v128.load(at - 1);
    const esses = v128.or(i8x16.eq(v128.or(raw, caseBit), letterS), v128.or(i8x16.eq(raw, space), i8x16.eq(raw, tab)));
    let candidates = i8x16.bitmask(v128.and(quotes, esses));
    while (candidates != 0) {
      const quoteAt = i + ctz(candidates);
      if (quoteAt > end) break;
      const keyEnd = skipSpaceBackward(quoteAt - 1) + 1;
      // A key, not a string value that ends in the word: a colon follows.
      if (keyEnd >= start + 10 && endsWithReferences(keyEnd) && isColonAfter(quoteAt + 1, end)) return true;
      candidates &= candidates - 1;
    }
  }
  return false;
}

function isColonAfter(from: i32, end: i32): bool {
  let i = from;
  while (i < end && isSpace(<i32>load<u8>(DATA + <usize>i))) i++;
  return i < end && <i32>load<u8>(DATA + <usize>i) == COLON;
}

function skipSpaceBackward(from: i32): i32 {
  let k = from;
  while (k >= 0 && isSpace(<i32>load<u8>(DATA + <usize>k))) k--;
  return k;
}

function skipSpaceForward(from: i32): i32 {
  let i = from;
  while (i < dataEnd && isSpace(<i32>load<u8>(DATA + <usize>i))) i++;
  return i;
}

function isSpace(byte: i32): bool {
  return byte == 0x20 || byte == 0x0a || byte == 0x0d || byte == 0x09;
}
