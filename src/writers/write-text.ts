import { once } from 'node:events';

/** Texts are joined up to about this many characters before one write, to keep per-row writes cheap. */
export const BATCH_CHARS = 64 * 1024;

/**
 * Writes and, when the stream's buffer is full, waits for it to drain. Rejects when the stream
 * failed, also before this write (a full disk is told by a later write's callback): a failed
 * stream never drains.
 */
export async function writeText(out: NodeJS.WritableStream, text: string | Uint8Array): Promise<void> {
  const failure = (out as { errored?: Error | null }).errored;
  if (failure) throw failure;
  if (!out.write(text)) await once(out, 'drain');
}

/** Writes one text per item, batched, honouring backpressure. Does not end `out`. */
export async function writeLines<T>(
  items: AsyncIterable<T> | Iterable<T>,
  out: NodeJS.WritableStream,
  toText: (item: T) => string,
): Promise<void> {
  let batch = '';
  for await (const item of items) {
    batch += toText(item);
    if (batch.length >= BATCH_CHARS) {
      await writeText(out, batch);
      batch = '';
    }
  }
  if (batch !== '') await writeText(out, batch);
}

/** Writes blocks of bytes as they come, honouring backpressure. Does not end `out`. */
export async function writeBlocks(blocks: AsyncIterable<Uint8Array>, out: NodeJS.WritableStream): Promise<void> {
  for await (const block of blocks) await writeText(out, block);
}
