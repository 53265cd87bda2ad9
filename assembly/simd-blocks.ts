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
