import { CONTAINER_END_WASM_BASE64 } from './container-end-wasm.js';

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

/** The part of the WebAssembly global this file uses (the project's lib settings omit its types). */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

const webAssembly = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
let compiledKernel: object | null | undefined;

function kernelModule(): object | null {
  if (compiledKernel !== undefined) return compiledKernel;
  const binary = Uint8Array.from(atob(CONTAINER_END_WASM_BASE64), (char) => char.charCodeAt(0));
  // A runtime without WebAssembly SIMD128 keeps the walker's JavaScript loop.
  compiledKernel = webAssembly?.validate(binary) ? new webAssembly.Module(binary) : null;
  return compiledKernel;
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
    const module = kernelModule();
    return module === null ? undefined : new ContainerEndFinder(module);
  }

  private constructor(module: object) {
    const instance = new webAssembly!.Instance(module, {});
    this.kernel = instance.exports as KernelExports;
    this.memory = new Uint8Array(this.kernel.memory.buffer);
    this.dataOffset = this.kernel.dataOffset();
    this.windowBytes = this.kernel.windowBytes();
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
