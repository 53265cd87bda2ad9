import { CONTAINER_END_WASM_BASE64 } from './container-end-wasm.js';
import { instantiateKernel } from './load-kernel.js';

/** Results of `find` other than an index (they mirror assembly/container-end.ts). */
export const FOUND_NOTHING = -1;
export const MISMATCHED_BRACKET = -2;
export const TOO_DEEP = -3;

interface KernelExports {
  memory: { buffer: ArrayBuffer };
  dataOffset(): number;
  windowBytes(): number;
  problemIndex(): number;
  innermostOpenBracket(): number;
  beginValue(openingBracket: number): void;
  findEnd(start: number, end: number): number;
}

/**
 * Finds where a skipped or captured container ends, using the WebAssembly SIMD kernel: the
 * walker's hot loop. Each finder owns one kernel instance (its bracket stack and a 1 MiB window
 * the chunk is copied into), so interleaved walkers never share state.
 */
export class ContainerEndFinder {
  /** Chunk index of the offending byte after MISMATCHED_BRACKET or TOO_DEEP. */
  problemIndex = 0;
  private readonly kernel: KernelExports;
  private readonly memory: Uint8Array;
  private readonly dataOffset: number;
  private readonly windowBytes: number;
  // Which part of which chunk the kernel's window holds now.
  private windowChunk: Uint8Array | undefined;
  private windowStart = 0;
  private windowEnd = 0;

  /** A finder, or undefined when this runtime cannot run the kernel. */
  static create(): ContainerEndFinder | undefined {
    const kernel = instantiateKernel<KernelExports>(CONTAINER_END_WASM_BASE64);
    return kernel === undefined ? undefined : new ContainerEndFinder(kernel);
  }

  private constructor(kernel: KernelExports) {
    this.kernel = kernel;
    this.memory = new Uint8Array(kernel.memory.buffer);
    this.dataOffset = kernel.dataOffset();
    this.windowBytes = kernel.windowBytes();
  }

  /** Starts a container whose opening bracket ('{' or '[') was just read. */
  begin(openingBracket: number): void {
    this.kernel.beginValue(openingBracket);
  }

  /** Must be called when a new chunk arrives: a caller may reuse the same array for new bytes. */
  forgetChunk(): void {
    this.windowChunk = undefined;
  }

  /** The bracket the next closing bracket must match ('{' or '['). */
  innermostOpenBracket(): number {
    return this.kernel.innermostOpenBracket();
  }

  /**
   * Index of the bracket closing the current container within chunk[start, length), or
   * FOUND_NOTHING when the chunk ends first (the state carries over to the next chunk), or
   * MISMATCHED_BRACKET / TOO_DEEP with `problemIndex` set.
   */
  find(chunk: Uint8Array, start: number, length: number): number {
    let from = start;
    if (chunk !== this.windowChunk || from < this.windowStart || from >= this.windowEnd) {
      this.loadWindow(chunk, from, length);
    }
    while (true) {
      const result = this.kernel.findEnd(from - this.windowStart, this.windowEnd - this.windowStart);
      if (result >= 0) return result + this.windowStart;
      if (result !== FOUND_NOTHING) {
        this.problemIndex = this.kernel.problemIndex() + this.windowStart;
        return result;
      }
      if (this.windowEnd >= length) return FOUND_NOTHING;
      from = this.windowEnd;
      this.loadWindow(chunk, from, length);
    }
  }

  private loadWindow(chunk: Uint8Array, start: number, length: number): void {
    const end = Math.min(length, start + this.windowBytes);
    this.memory.set(chunk.subarray(start, end), this.dataOffset);
    this.windowChunk = chunk;
    this.windowStart = start;
    this.windowEnd = end;
  }
}
