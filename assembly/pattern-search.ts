/**
 * WebAssembly kernel for the rate prefilter: does a captured element contain any of a few byte
 * patterns (the searched NPIs' digits, a key name)? Each pattern is looked for 16 positions at a
 * time by comparing its first and last bytes with SIMD128; only positions where both match are
 * compared in full. Replaces a Buffer.indexOf per pattern per element, whose call overhead
 * dominated on elements of a few hundred bytes.
 *
 * Built by scripts/build-wasm.mjs into src/scan/kernel/pattern-search-wasm.ts; the TypeScript side
 * is src/scan/kernel/pattern-search.ts. Memory layout (one 64 KiB page):
 *   [0, 4096)                   up to 16 patterns, 256 bytes each: length, then the bytes
 *   [HAYSTACK, + CAPACITY)      the bytes searched, copied in by the caller
 *   [HAYSTACK + CAPACITY, +320) slack: loads may run past the end (positions are bounds-checked)
 */

import { findPattern } from './simd-blocks';

const PATTERNS: usize = 0;
const PATTERN_SLOT: usize = 256;
const MAX_PATTERNS: i32 = 16;
const HAYSTACK: usize = 4096;
/** Larger haystacks are searched by the caller itself (native indexOf is fine at that size). */
const CAPACITY: i32 = 56 * 1024;

let patternCount: i32 = 0;

export function haystackOffset(): i32 {
  return HAYSTACK as i32;
}

export function haystackCapacity(): i32 {
  return CAPACITY;
}

export function patternsOffset(): i32 {
  return PATTERNS as i32;
}

/** Longest pattern the slots hold. */
export function maxPatternBytes(): i32 {
  return (PATTERN_SLOT as i32) - 1;
}

/** The caller has written `count` patterns (each 1-255 bytes) into their slots. */
export function usePatterns(count: i32): void {
  patternCount = count < MAX_PATTERNS ? count : MAX_PATTERNS;
}

/** Index of the first occurrence of the first pattern found in haystack[0, length), or -1. */
export function findAny(length: i32): i32 {
  for (let p = 0; p < patternCount; p++) {
    const found = findPattern(HAYSTACK, 0, length, PATTERNS + <usize>p * PATTERN_SLOT);
    if (found >= 0) return found;
  }
  return -1;
}
