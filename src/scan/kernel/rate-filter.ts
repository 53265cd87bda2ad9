import { FilterStep, type ArrayElementFilter } from '../array-element-filter.js';
import { concatBytes } from '../../shared/concat-bytes.js';
import { instantiateKernel } from './load-kernel.js';
import { fitInPatternSlots, writePatternSlots } from './pattern-slots.js';
import { RATE_FILTER_WASM_BASE64 } from './rate-filter-wasm.js';

interface KernelExports {
  memory: { buffer: ArrayBuffer };
  dataOffset(): number;
  windowBytes(): number;
  patternsOffset(): number;
  maxPatternBytes(): number;
  usePatterns(count: number): void;
  useGroups(references: number, inline: number, anyMatched: number): void;
  clearIds(count: number): void;
  addId(id: number): void;
  beginArray(): void;
  loadedWindow(length: number): void;
  next(start: number): number;
  resultPosition(): number;
  openElementStart(): number;
  candidateStartIndex(): number;
  currentElementIndex(): number;
  sawReferencesArray(): number;
  candidateRepeatsMember(): number;
  candidateHasGroups(): number;
  innermostOpenBracket(): number;
}

/** Pattern slots in the kernel's memory (see assembly/rate-filter.ts). */
const MAX_KERNEL_PATTERNS = 16;
/** openElementStart() when no element is open, and when it began before the window. */
const NO_ELEMENT = -2;
const BEGAN_EARLIER = -1;
/** Ids the kernel can read exactly: larger ones make their element a "maybe" anyway. */
const LARGEST_EXACT_ID = Number.MAX_SAFE_INTEGER;

/** Which groups can make a row in the array about to be read. */
export interface RateGroupSources {
  useReferences: boolean;
  useInline: boolean;
  /** Any referenced group matched, its id a number or not. */
  hasMatches: boolean;
  /** Numeric ids of the referenced groups that matched (only grows while a file is read). */
  matchedIds: ReadonlySet<number>;
}

/**
 * Reads a whole negotiated_rates array in the WebAssembly kernel (assembly/rate-filter.ts) and
 * returns only the rates that may produce a row: those referencing a matched group id, those
 * holding a searched NPI's or TIN's digits (inline groups), and any it cannot judge. The rest, the
 * great majority, never reach JavaScript. Each filter owns its kernel instance.
 */
export class RateElementFilter implements ArrayElementFilter {
  position = 0;
  candidate: Uint8Array = new Uint8Array(0);
  candidateOffset = 0;
  candidateIndex = 0;
  /** The candidate repeats a "...groups", "...references" or "...prices" member (JSON.parse keeps the last). */
  candidateRepeatsMember = false;
  /** The candidate has a "...groups" member (inline groups, whose npi key may repeat). */
  candidateHasGroups = false;
  private readonly kernel: KernelExports;
  private readonly memory: Uint8Array;
  private readonly dataOffset: number;
  private readonly windowBytes: number;
  private loadedIdCount = -1;
  // Which part of which chunk the kernel's window holds now.
  private windowChunk: Uint8Array | undefined;
  private windowStart = 0;
  private windowEnd = 0;
  /** Bytes of the open element from earlier windows, and where it began. */
  private pieces: Uint8Array[] = [];
  private piecesOffset = 0;

  /** A filter looking for `patterns`, or undefined where the runtime lacks WebAssembly SIMD. */
  static create(patterns: readonly Uint8Array[]): RateElementFilter | undefined {
    const kernel = instantiateKernel<KernelExports>(RATE_FILTER_WASM_BASE64);
    if (kernel === undefined) return undefined;
    if (!fitInPatternSlots(patterns, kernel.maxPatternBytes())) return undefined;
    return new RateElementFilter(kernel, patterns);
  }

  private constructor(kernel: KernelExports, patterns: readonly Uint8Array[]) {
    this.kernel = kernel;
    this.memory = new Uint8Array(kernel.memory.buffer);
    this.dataOffset = kernel.dataOffset();
    this.windowBytes = kernel.windowBytes();
    // More patterns than slots: the kernel then hands over every rate with inline groups.
    writePatternSlots(this.memory, kernel.patternsOffset(), patterns, MAX_KERNEL_PATTERNS);
    kernel.usePatterns(patterns.length);
  }

  /** True once any rate held a references array or key (the file uses referenced groups). */
  get sawReferences(): boolean {
    return this.kernel.sawReferencesArray() !== 0;
  }

  /** Sets what the next array is judged against; call before each array. */
  useGroups(sources: RateGroupSources): void {
    this.kernel.useGroups(sources.useReferences ? 1 : 0, sources.useInline ? 1 : 0, sources.hasMatches ? 1 : 0);
    const ids = sources.matchedIds;
    if (ids.size === this.loadedIdCount) return;
    this.kernel.clearIds(ids.size);
    for (const id of ids) {
      if (id <= LARGEST_EXACT_ID) this.kernel.addId(id);
    }
    this.loadedIdCount = ids.size;
  }

  beginArray(): void {
    this.kernel.beginArray();
    this.pieces = [];
  }

  forgetChunk(): void {
    this.windowChunk = undefined;
  }

  innermostOpenBracket(): number {
    return this.kernel.innermostOpenBracket();
  }

  next(chunk: Uint8Array, start: number, length: number, chunkOffset: number): FilterStep {
    let from = start;
    if (chunk !== this.windowChunk || from < this.windowStart || from > this.windowEnd) {
      this.loadWindow(chunk, from, length, chunkOffset);
    }
    while (true) {
      const step = this.kernel.next(from - this.windowStart) as FilterStep;
      if (step !== FilterStep.NEED_MORE) {
        this.position = this.kernel.resultPosition() + this.windowStart;
        if (step === FilterStep.CANDIDATE) this.takeCandidate(chunk, chunkOffset);
        return step;
      }
      if (this.windowEnd >= length) {
        this.keepOpenElement(chunkOffset);
        return FilterStep.NEED_MORE;
      }
      from = this.windowEnd;
      this.loadWindow(chunk, from, length, chunkOffset);
    }
  }

  private takeCandidate(chunk: Uint8Array, chunkOffset: number): void {
    const elementStart = this.kernel.candidateStartIndex();
    const end = this.position + 1;
    this.candidateIndex = this.kernel.currentElementIndex();
    this.candidateRepeatsMember = this.kernel.candidateRepeatsMember() !== 0;
    this.candidateHasGroups = this.kernel.candidateHasGroups() !== 0;
    if (elementStart === BEGAN_EARLIER) {
      this.pieces.push(chunk.subarray(this.windowStart, end));
      this.candidate = concatBytes(this.pieces);
      this.candidateOffset = this.piecesOffset;
      this.pieces = [];
    } else {
      this.candidate = chunk.subarray(elementStart + this.windowStart, end);
      this.candidateOffset = chunkOffset + elementStart + this.windowStart;
    }
  }

  /** Copies the part of an element still open at the end of the window (the chunk may be reused). */
  private keepOpenElement(chunkOffset: number): void {
    const elementStart = this.kernel.openElementStart();
    if (elementStart === NO_ELEMENT) return;
    const from = elementStart === BEGAN_EARLIER ? this.windowStart : this.windowStart + elementStart;
    if (this.pieces.length === 0) this.piecesOffset = chunkOffset + from;
    this.pieces.push(this.windowChunk!.slice(from, this.windowEnd));
  }

  private loadWindow(chunk: Uint8Array, start: number, length: number, chunkOffset: number): void {
    if (this.windowChunk !== undefined && this.windowEnd > this.windowStart) this.keepOpenElement(chunkOffset);
    const end = Math.min(length, start + this.windowBytes);
    this.memory.set(chunk.subarray(start, end), this.dataOffset);
    this.windowChunk = chunk;
    this.windowStart = start;
    this.windowEnd = end;
    this.kernel.loadedWindow(end - start);
  }
}
