import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import path from 'node:path';

const STREAM_BUFFER_BYTES = 1024 * 1024;

interface OpenChunk {
  stream: WriteStream;
  tempPath: string;
  finalPath: string;
  bytes: number;
}

/** `in_network.000.ndjson`; the index grows past three digits when it must. */
export function chunkFileName(baseName: string, index: number): string {
  return `${baseName}.${String(index).padStart(3, '0')}.ndjson`;
}

/**
 * Writes lines into `<base>.000.ndjson`, `<base>.001.ndjson`, ..., starting a new file before
 * one would pass `chunkBytes` (a line longer than that gets a file of its own). Each file is
 * written under a `.partial` name and renamed when complete, so a finished name is always whole.
 *
 * writeLine is synchronous so it can be called from the JSON walker's callbacks; when it returns
 * true the caller must `await settle()` before writing more (backpressure, or a file to rename).
 */
export class ChunkedNdjsonWriter {
  /** Final paths of the chunk files, in order (the last one may still be open). */
  readonly files: string[] = [];
  lines = 0;
  private current?: OpenChunk;
  private pending: Promise<void>[] = [];

  constructor(
    private readonly directory: string,
    private readonly baseName: string,
    private readonly chunkBytes: number,
  ) {}

  writeLine(line: Uint8Array): boolean {
    if (this.current && this.current.bytes > 0 && this.current.bytes + line.length > this.chunkBytes) this.finishChunk();
    const chunk = this.current ?? this.openChunk();
    chunk.bytes += line.length;
    this.lines += 1;
    const hasRoom = chunk.stream.write(line);
    return !hasRoom || this.pending.length > 0 || chunk.stream.errored !== null;
  }

  /** Waits until the open file has drained and every finished file is renamed; rethrows write errors. */
  async settle(): Promise<void> {
    const stream = this.current?.stream;
    if (stream?.errored) throw stream.errored;
    // A destroyed stream never drains; its error is thrown above or by `finished` below.
    if (stream?.writableNeedDrain && !stream.destroyed) await once(stream, 'drain');
    const pending = this.pending;
    this.pending = [];
    await Promise.all(pending);
  }

  /** Ends the file being written (the next line starts a new one). */
  finishChunk(): void {
    const chunk = this.current;
    if (!chunk) return;
    this.current = undefined;
    chunk.stream.end();
    const done = finished(chunk.stream).then(() => rename(chunk.tempPath, chunk.finalPath));
    // Handled now so a failure never counts as unhandled; settle() still rethrows it.
    done.catch(() => {});
    this.pending.push(done);
  }

  async close(): Promise<void> {
    this.finishChunk();
    await this.settle();
  }

  /** After a failure: stops writing and removes the unfinished file. Finished files stay. */
  async abort(): Promise<void> {
    const chunk = this.current;
    this.current = undefined;
    if (chunk) {
      // The file may still be opening: wait for the stream to close, or the open would recreate
      // the file right after it was removed.
      const closed = new Promise<void>((resolve) => (chunk.stream.closed ? resolve() : chunk.stream.once('close', () => resolve())));
      chunk.stream.destroy();
      await closed;
      await rm(chunk.tempPath, { force: true });
      this.files.pop();
    }
    await Promise.allSettled(this.pending);
    this.pending = [];
  }

  private openChunk(): OpenChunk {
    const finalPath = path.join(this.directory, chunkFileName(this.baseName, this.files.length));
    const tempPath = `${finalPath}.partial`;
    const stream = createWriteStream(tempPath, { highWaterMark: STREAM_BUFFER_BYTES });
    // Errors surface through settle() (drain/finished reject); this listener keeps them from crashing the process.
    stream.on('error', () => {});
    this.current = { stream, tempPath, finalPath, bytes: 0 };
    this.files.push(finalPath);
    return this.current;
  }
}
