/**
 * A byte stream with lookahead: `peek` reads ahead without consuming, so a layer can be chosen
 * from the first bytes and then handed the whole stream, those bytes included.
 */
export class PeekableByteStream implements AsyncIterable<Uint8Array> {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private buffered: Uint8Array[] = [];
  private bufferedBytes = 0;
  private ended = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** At least `minBytes` from the front (fewer only if the stream ends first), not consumed. */
  async peek(minBytes: number): Promise<Uint8Array> {
    while (this.bufferedBytes < minBytes && !this.ended) {
      const result = await this.iterator.next();
      if (result.done) {
        this.ended = true;
      } else if (result.value.length > 0) {
        this.buffered.push(result.value);
        this.bufferedBytes += result.value.length;
      }
    }
    if (this.buffered.length > 1) this.buffered = [Buffer.concat(this.buffered)];
    return this.buffered[0] ?? new Uint8Array(0);
  }

  /** Drops `byteCount` already peeked bytes (a BOM, say). */
  skip(byteCount: number): void {
    const head = this.buffered.length > 1 ? Buffer.concat(this.buffered) : this.buffered[0];
    if (head === undefined || byteCount > head.length) throw new RangeError('skip past the peeked bytes');
    this.buffered = byteCount === head.length ? [] : [head.subarray(byteCount)];
    this.bufferedBytes = head.length - byteCount;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    const buffered = this.buffered;
    this.buffered = [];
    this.bufferedBytes = 0;
    try {
      yield* buffered;
      while (!this.ended) {
        const result = await this.iterator.next();
        if (result.done) {
          this.ended = true;
          return;
        }
        yield result.value;
      }
    } finally {
      // Stopping early must stop the source too (close the connection, the file...).
      if (!this.ended) await this.iterator.return?.();
    }
  }

  /** Releases the source without reading it (after an error decided from the peeked bytes). */
  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.iterator.return?.();
  }
}
