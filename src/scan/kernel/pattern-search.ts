import { instantiateKernel } from './load-kernel.js';
import { PATTERN_SEARCH_WASM_BASE64 } from './pattern-search-wasm.js';
import { fitInPatternSlots, writePatternSlots } from './pattern-slots.js';

interface KernelExports {
  memory: { buffer: ArrayBuffer };
  haystackOffset(): number;
  haystackCapacity(): number;
  patternsOffset(): number;
  maxPatternBytes(): number;
  usePatterns(count: number): void;
  findAny(length: number): number;
}

/** The kernel holds this many patterns; more go to the caller's own search. */
export const MAX_KERNEL_PATTERNS = 16;

/**
 * "Does this element contain any of these byte patterns?" for elements of up to ~56 KiB, with the
 * WebAssembly SIMD kernel: about five times cheaper than one Buffer.indexOf per pattern on the
 * few-hundred-byte negotiated rates the prefilter sees. Each instance owns its kernel and its
 * patterns.
 */
export class PatternSearch {
  private readonly kernel: KernelExports;
  private readonly memory: Uint8Array;
  private readonly haystackOffset: number;
  /** Largest element the kernel takes; `containsAny` answers undefined above it. */
  readonly capacityBytes: number;

  /** A search for `patterns`, or undefined when the kernel cannot run here or cannot hold them. */
  static create(patterns: readonly Uint8Array[]): PatternSearch | undefined {
    if (patterns.length === 0 || patterns.length > MAX_KERNEL_PATTERNS) return undefined;
    const kernel = instantiateKernel<KernelExports>(PATTERN_SEARCH_WASM_BASE64);
    if (kernel === undefined) return undefined;
    if (!fitInPatternSlots(patterns, kernel.maxPatternBytes())) return undefined;
    return new PatternSearch(kernel, patterns);
  }

  private constructor(kernel: KernelExports, patterns: readonly Uint8Array[]) {
    this.kernel = kernel;
    this.memory = new Uint8Array(kernel.memory.buffer);
    this.haystackOffset = kernel.haystackOffset();
    this.capacityBytes = kernel.haystackCapacity();
    writePatternSlots(this.memory, kernel.patternsOffset(), patterns, MAX_KERNEL_PATTERNS);
    kernel.usePatterns(patterns.length);
  }

  /** True when `bytes` holds any pattern; undefined when it is too large for the kernel. */
  containsAny(bytes: Uint8Array): boolean | undefined {
    if (bytes.length > this.capacityBytes) return undefined;
    this.memory.set(bytes, this.haystackOffset);
    return this.kernel.findAny(bytes.length) >= 0;
  }
}
