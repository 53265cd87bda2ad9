/** Bytes between two pattern slots in a kernel's memory: a length byte, then the pattern's bytes. */
const PATTERN_SLOT_BYTES = 256;

/** Can every pattern go into a slot (1 to `maxBytes` bytes each)? */
export function fitInPatternSlots(patterns: readonly Uint8Array[], maxBytes: number): boolean {
  return patterns.every((pattern) => pattern.length > 0 && pattern.length <= maxBytes);
}

/**
 * Writes up to `slots` patterns into consecutive slots from `base`, the layout both kernels read
 * (assembly/pattern-search.ts, assembly/rate-filter.ts).
 */
export function writePatternSlots(memory: Uint8Array, base: number, patterns: readonly Uint8Array[], slots: number): void {
  patterns.slice(0, slots).forEach((pattern, i) => {
    memory[base + i * PATTERN_SLOT_BYTES] = pattern.length;
    memory.set(pattern, base + i * PATTERN_SLOT_BYTES + 1);
  });
}
