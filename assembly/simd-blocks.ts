/** Helpers shared by the kernels that look at 64 bytes per step (imported, so not exported from a module). */

/** The four 16-lane compare results as one 64-bit mask, lane i of `a` at bit i. */
export function maskOf(a: v128, b: v128, c: v128, d: v128): u64 {
  return (
    (<u64>i8x16.bitmask(a)) |
    ((<u64>i8x16.bitmask(b)) << 16) |
    ((<u64>i8x16.bitmask(c)) << 32) |
    ((<u64>i8x16.bitmask(d)) << 48)
  );
}

/**
 * The string state of the bytes read so far, carried across blocks, windows and calls (each
 * kernel module compiles its own copy): inside a string, and after an unpaired backslash there.
 */
let isInString: i32 = 0;
let isEscaped: i32 = 0;
/** After classifyBlock: the backslashes of the block, and whether its last byte is inside a string. */
let blockBackslashes: u64 = 0;
let blockEndsInString: i32 = 0;

/** A new value starts: its first bytes are outside any string. */
export function resetStrings(): void {
  isInString = 0;
  isEscaped = 0;
}

/** A result was found on a bracket outside strings: reading goes on from outside a string. */
export function leaveStrings(): void {
  isInString = 0;
}

/** After classifyBlock: must the block be read byte by byte (a backslash in it, or one carried in)? */
export function blockNeedsByteByByte(): bool {
  return (blockBackslashes | <u64>isEscaped) != 0;
}

/** After classifyBlock, for a block without backslashes: carry its string state to the next one. */
export function takeBlockStrings(): void {
  isInString = blockEndsInString;
}

/**
 * The byte-by-byte path's step: updates the string state with `byte` and says whether the byte
 * lies outside strings and is not a quote, so a bracket there is structure.
 */
export function isStructuralByte(byte: i32): bool {
  if (isInString) {
    if (isEscaped) isEscaped = 0;
    else if (byte == 0x5c) isEscaped = 1;
    else if (byte == 0x22) isInString = 0;
    return false;
  }
  if (byte == 0x22) {
    isInString = 1;
    return false;
  }
  return true;
}

/**
 * Classifies the 64 bytes at `at` with four SIMD128 loads and equality compares; bits beyond
 * `valid` are ignored. Returns the brackets ({ } [ ]) that lie outside strings, given the string
 * state carried in. That answer, and the state the block ends in, are right only when the block
 * holds no backslash (blockNeedsByteByByte): callers read such blocks byte by byte instead.
 */
export function classifyBlock(at: usize, valid: u64): u64 {
  const quote = i8x16.splat(0x22);
  const backslash = i8x16.splat(0x5c);
  const caseBit = i8x16.splat(0x20);
  const opening = i8x16.splat(0x7b); // '{', and '[' | 0x20
  const closing = i8x16.splat(0x7d); // '}', and ']' | 0x20
  const v0 = v128.load(at);
  const v1 = v128.load(at, 16);
  const v2 = v128.load(at, 32);
  const v3 = v128.load(at, 48);
  blockBackslashes =
    maskOf(i8x16.eq(v0, backslash), i8x16.eq(v1, backslash), i8x16.eq(v2, backslash), i8x16.eq(v3, backslash)) & valid;
  const quotes = maskOf(i8x16.eq(v0, quote), i8x16.eq(v1, quote), i8x16.eq(v2, quote), i8x16.eq(v3, quote)) & valid;
  const l0 = v128.or(v0, caseBit);
  const l1 = v128.or(v1, caseBit);
  const l2 = v128.or(v2, caseBit);
  const l3 = v128.or(v3, caseBit);
  const brackets =
    maskOf(
      v128.or(i8x16.eq(l0, opening), i8x16.eq(l0, closing)),
      v128.or(i8x16.eq(l1, opening), i8x16.eq(l1, closing)),
      v128.or(i8x16.eq(l2, opening), i8x16.eq(l2, closing)),
      v128.or(i8x16.eq(l3, opening), i8x16.eq(l3, closing)),
    ) & valid;
  // Quote bits beyond `valid` are cleared, so bit 63 is the string state at the last byte.
  const strings = prefixXor(quotes) ^ (<u64>0 - <u64>isInString);
  blockEndsInString = <i32>(strings >> 63);
  return brackets & ~strings;
}

/** Bit i set when an odd number of set bits lies at or below i: "inside a string" from quotes. */
export function prefixXor(bits: u64): u64 {
  bits ^= bits << 1;
  bits ^= bits << 2;
  bits ^= bits << 4;
  bits ^= bits << 8;
  bits ^= bits << 16;
  bits ^= bits << 32;
  return bits;
}

/**
 * First position in haystack[from, length) where the pattern in `slot` (a length byte, then the
 * bytes) starts, or -1. Candidate positions come 16 at a time from SIMD compares of the pattern's
 * first and last bytes; only those are compared in full. Loads may read up to 16 + 255 bytes past
 * `length`, so callers keep that much slack after their haystack.
 */
export function findPattern(haystack: usize, from: i32, length: i32, slot: usize): i32 {
  const size = <i32>load<u8>(slot);
  if (size == 0 || size > length - from) return -1;
  const pattern = slot + 1;
  const first = i8x16.splat(load<i8>(pattern));
  const last = i8x16.splat(load<i8>(pattern + <usize>(size - 1)));
  const lastStart = length - size; // the last position a whole pattern fits at
  for (let i = from; i <= lastStart; i += 16) {
    const at = haystack + <usize>i;
    const heads = i8x16.eq(v128.load(at), first);
    const tails = i8x16.eq(v128.load(at + <usize>(size - 1)), last);
    let candidates = i8x16.bitmask(v128.and(heads, tails));
    while (candidates != 0) {
      const position = i + ctz(candidates);
      if (position > lastStart) break;
      if (matchesAt(haystack + <usize>position, pattern, size)) return position;
      candidates &= candidates - 1;
    }
  }
  return -1;
}

function matchesAt(at: usize, pattern: usize, size: i32): bool {
  for (let k = 1; k < size - 1; k++) {
    if (load<u8>(at + <usize>k) != load<u8>(pattern + <usize>k)) return false;
  }
  return true;
}
