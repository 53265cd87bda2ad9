import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Texts and bytes are copied into blocks of this size and written a block at a time. */
const BLOCK_BYTES = 1024 * 1024;
/** Blocks kept for reuse once written; more are allocated while writes are slow. */
const SPARE_BLOCKS = 2;
/** A partly filled block is written at most this long after text first went into it. */
export const FLUSH_DELAY_MS = 100;

/**
 * Writes texts and bytes to a stream in large blocks. Each is copied into a reused 1 MiB buffer,
 * which is written when the next does not fit, FLUSH_DELAY_MS after its first text, or on
 * flush(). A busy search then costs one write per megabyte rather than one per in_network item,
 * and what waits to be written is bytes outside the JavaScript heap, not strings the garbage
 * collector has to copy.
 */
export class BlockWriter {
  private block: Buffer = Buffer.allocUnsafe(BLOCK_BYTES);
  private used = 0;
  private readonly spareBlocks: Buffer[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;

  constructor(private readonly stream: Writable) {
    // Remembered for the next call: a timed write has nobody waiting on it.
    stream.on('error', (error: Error) => {
      this.failure ??= error;
    });
  }

  /** Resolves once the text is in a block, after waiting for the stream when it asks to. */
  async write(text: string): Promise<void> {
    this.throwIfFailed();
    const bytes = Buffer.byteLength(text);
    if (this.used + bytes > this.block.length) await this.flush();
    if (bytes > this.block.length) {
      this.stream.write(Buffer.from(text));
      await this.drained();
      return;
    }
    this.used += this.block.write(text, this.used);
    this.flushTimer ??= setTimeout(() => this.writeBlock(), FLUSH_DELAY_MS);
  }

  /**
   * Resolves once the bytes are in a block (or, when larger than a block, handed to the stream,
   * which then owns them: the caller must not change them afterwards).
   */
  async writeBytes(bytes: Uint8Array): Promise<void> {
    this.throwIfFailed();
    if (this.used + bytes.length > this.block.length) await this.flush();
    if (bytes.length > this.block.length) {
      this.stream.write(bytes);
      await this.drained();
      return;
    }
    this.block.set(bytes, this.used);
    this.used += bytes.length;
    this.flushTimer ??= setTimeout(() => this.writeBlock(), FLUSH_DELAY_MS);
  }

  /** Writes what the current block holds; resolves when the stream can take more. */
  async flush(): Promise<void> {
    this.throwIfFailed();
    this.writeBlock();
    await this.drained();
  }

  private writeBlock(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.used === 0) return;
    const block = this.block;
    this.stream.write(block.subarray(0, this.used), () => {
      if (this.spareBlocks.length < SPARE_BLOCKS) this.spareBlocks.push(block);
    });
    this.block = this.spareBlocks.pop() ?? Buffer.allocUnsafe(BLOCK_BYTES);
    this.used = 0;
  }

  private async drained(): Promise<void> {
    this.throwIfFailed();
    if (this.stream.writableNeedDrain) await once(this.stream, 'drain');
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
