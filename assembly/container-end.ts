/**
 * WebAssembly kernel of the JSON walker: finds the bracket that closes a skipped or captured
 * container, tracking strings, backslash escapes and bracket nesting. It looks at 64 bytes per
 * step with SIMD128 compares, turns them into 64-bit masks, and touches only the brackets that lie
 * outside strings one by one; blocks holding a backslash (rare in MRFs) take a byte-by-byte path.
 *
 * Built by scripts/build-wasm.mjs into src/scan/kernel/container-end-wasm.ts; the TypeScript side
 * is src/scan/kernel/container-end-finder.ts. Memory layout (one fixed 17-page memory):
 *   [0, 4097)                  open-bracket stack of the value being read ('{' or '[')
 *   [DATA, DATA + WINDOW)      the bytes being scanned, copied in by the caller
 *   [DATA + WINDOW, +64)       slack: the last 64-byte step may read past the end (masked off)
 */

import {
  blockNeedsByteByByte,
  classifyBlock,
  isStructuralByte,
  leaveStrings,
  resetStrings,
  takeBlockStrings,
} from './simd-blocks';

const STACK: usize = 0;
/** Nesting deeper than this inside one value is refused (the walker's limit too). */
const MAX_DEPTH: i32 = 4096;
const DATA: usize = 8192;
const WINDOW: i32 = 1 << 20;

const LEFT_CURLY_BRACKET: i32 = 0x7b; // {   ('[' | 0x20 is '{' too)
const RIGHT_CURLY_BRACKET: i32 = 0x7d; // }  (']' | 0x20 is '}' too)

export const FOUND_NOTHING: i32 = -1;
export const MISMATCHED_BRACKET: i32 = -2;
export const TOO_DEEP: i32 = -3;

let depth: i32 = 0;
let problemAt: i32 = 0;

export function dataOffset(): i32 {
  return DATA as i32;
}

export function windowBytes(): i32 {
  return WINDOW;
}

/** Index (in the data area) of the byte behind the last MISMATCHED_BRACKET or TOO_DEEP. */
export function problemIndex(): i32 {
  return problemAt;
}

/** The bracket at the top of the stack: the one the next closing bracket must match. */
export function innermostOpenBracket(): i32 {
  return depth > 0 ? load<u8>(STACK + (depth - 1)) : 0;
}

/** Starts a value whose opening bracket ('{' or '[') the caller has already read. */
export function beginValue(openingBracket: i32): void {
  store<u8>(STACK, openingBracket);
  depth = 1;
  resetStrings();
}

/**
 * Scans data[start, end) for the bracket closing the current value. Returns its index, or
 * FOUND_NOTHING (state kept for the next call), MISMATCHED_BRACKET or TOO_DEEP (see problemIndex).
 */
export function findEnd(start: i32, end: i32): i32 {
  let p = start;
  while (p < end) {
    const at = DATA + <usize>p;
    const left = end - p;
    const valid: u64 = left >= 64 ? <u64>-1 : ((<u64>1) << <u64>left) - 1;
    const brackets = classifyBlock(at, valid);
    if (blockNeedsByteByByte()) {
      const found = findEndByteByByte(p, left >= 64 ? p + 64 : end);
      if (found != FOUND_NOTHING) return found;
      p += 64;
      continue;
    }
    takeBlockStrings();
    let outside = brackets;
    while (outside != 0) {
      const i = <i32>ctz(outside);
      const byte = <i32>load<u8>(at + <usize>i);
      // Bit 1 tells them apart: '{' 0x7b and '[' 0x5b have it, '}' 0x7d and ']' 0x5d do not.
      const isOpening = (byte >> 1) & 1;
      const innermost = <i32>load<u8>(STACK + <usize>(depth - 1));
      store<u8>(STACK + <usize>depth, byte); // a push for '{' '['; a harmless write above the top otherwise
      const isMismatch = (isOpening ^ 1) & <i32>(innermost + 2 != byte); // '{' + 2 is '}', '[' + 2 is ']'
      depth += (isOpening << 1) - 1;
      if ((isMismatch | <i32>(depth == 0) | <i32>(depth > MAX_DEPTH)) != 0) {
        if (isMismatch) {
          depth += 1;
          problemAt = p + i;
          return MISMATCHED_BRACKET;
        }
        if (depth == 0) {
          leaveStrings();
          return p + i;
        }
        depth -= 1;
        problemAt = p + i;
        return TOO_DEEP;
      }
      outside &= outside - 1;
    }
    p += 64;
  }
  return FOUND_NOTHING;
}

/** The same search one byte at a time, for blocks with backslashes or a carried escape. */
function findEndByteByByte(start: i32, end: i32): i32 {
  for (let i = start; i < end; i++) {
    const byte = <i32>load<u8>(DATA + <usize>i);
    if (!isStructuralByte(byte)) continue;
    const folded = byte | 0x20;
    if (folded == LEFT_CURLY_BRACKET) {
      if (depth == MAX_DEPTH) {
        problemAt = i;
        return TOO_DEEP;
      }
      store<u8>(STACK + <usize>depth, byte);
      depth++;
      continue;
    }
    if (folded == RIGHT_CURLY_BRACKET) {
      if (<i32>load<u8>(STACK + <usize>(depth - 1)) + 2 != byte) {
        problemAt = i;
        return MISMATCHED_BRACKET;
      }
      depth--;
      if (depth == 0) return i;
    }
  }
  return FOUND_NOTHING;
}
