/**
 * What the walker needs from a filter that reads a whole array itself and stops only at the
 * elements that may matter (the walker's 'filter' mode). The walker stays generic; what makes an
 * element matter is the filter's business (src/scan/kernel/rate-filter.ts for negotiated rates).
 */
export const enum FilterStep {
  /** The chunk is used up inside the array; the filter keeps its state for the next chunk. */
  NEED_MORE = -1,
  /** A closing bracket does not match the innermost open one (at `position`). */
  MISMATCHED_BRACKET = -2,
  /** Nesting deeper than the filter tracks (at `position`). */
  TOO_DEEP = -3,
  /** An element follows the one before it without a comma (its bracket is at `position`). */
  MISSING_COMMA = -4,
  /** A comma with no element around it: `[,`, `,,` or `,]` (`position`: the second comma, or the ']'). */
  EMPTY_ELEMENT = -5,
  /** An element that may matter ends at `position`: see candidate, candidateOffset, candidateIndex. */
  CANDIDATE = 1,
  /** The array's closing ']' is at `position`. */
  ARRAY_END = 2,
}

export interface ArrayElementFilter {
  /** The array's '[' was just read. */
  beginArray(): void;
  /** A new chunk arrives: the caller may have reused the previous chunk's memory. */
  forgetChunk(): void;
  /** Reads chunk[start, length); `chunkOffset` is the absolute offset of chunk[0]. */
  next(chunk: Uint8Array, start: number, length: number, chunkOffset: number): FilterStep;
  /** Chunk index the last step refers to (see FilterStep). */
  readonly position: number;
  /** After CANDIDATE: the element's bytes (valid until the next call), its offset and index. */
  readonly candidate: Uint8Array;
  readonly candidateOffset: number;
  readonly candidateIndex: number;
  /** After MISMATCHED_BRACKET: the bracket the closing one should have matched. */
  innermostOpenBracket(): number;
}
