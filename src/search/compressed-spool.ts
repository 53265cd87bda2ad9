import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

/** Compressed bytes held in memory while the layout is unknown, before spilling to disk. */
const MAX_MEMORY_BYTES = 32 * 1024 * 1024;

/**
 * Keeps a copy of a file's raw (compressed) bytes while it streams, but only for as long as it
 * may be needed: when in_network turns out to come before provider_references, the copy is
 * kept in a temporary file for the second pass; when provider_references comes first (the
 * normal case), the copy is dropped and nothing touches the disk.
 */
export class CompressedSpool {
  private decision: 'undecided' | 'keep' | 'drop' = 'undecided';
  private memory: Uint8Array[] = [];
  private memoryBytes = 0;
  private file?: WriteStream;
  private directory?: string;
  private path?: string;
  private writeError?: Error;

  constructor(private readonly tempRoot: string = tmpdir()) {}

  /** Passes raw chunks through unchanged, copying them while a copy may be needed. */
  async *tee(chunks: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
    for await (const chunk of chunks) {
      if (this.decision !== 'drop') await this.record(chunk);
      yield chunk;
    }
    if (this.file) {
      this.file.end();
      await once(this.file, 'close');
    }
  }

  /** The scanner met in_network first: keep every byte. */
  keep(): void {
    if (this.decision === 'undecided') this.decision = 'keep';
  }

  /** The scanner met provider_references first: no second pass will be needed. */
  drop(): void {
    if (this.decision !== 'undecided') return;
    this.decision = 'drop';
    this.memory = [];
    this.memoryBytes = 0;
  }

  /** Size of the kept copy in bytes. */
  async sizeBytes(): Promise<number> {
    if (this.path) return (await stat(this.path)).size;
    return this.memoryBytes;
  }

  /** The kept raw bytes from the start. Call after the first pass has consumed tee(). */
  async *read(): AsyncIterable<Uint8Array> {
    if (this.file && !this.file.writableEnded) {
      this.file.end();
      await once(this.file, 'close');
    }
    if (this.writeError) throw this.writeError;
    if (this.path) {
      yield* createReadStream(this.path, { highWaterMark: 1024 * 1024 });
      return;
    }
    yield* this.memory;
  }

  async cleanup(): Promise<void> {
    this.memory = [];
    if (this.file && !this.file.closed) {
      this.file.destroy();
    }
    if (this.directory) await rm(this.directory, { recursive: true, force: true });
  }

  private async record(chunk: Uint8Array): Promise<void> {
    if (this.file) {
      if (!this.file.write(chunk)) await once(this.file, 'drain');
      return;
    }
    this.memory.push(chunk);
    this.memoryBytes += chunk.length;
    if (this.memoryBytes > MAX_MEMORY_BYTES) await this.spillToDisk();
  }

  private async spillToDisk(): Promise<void> {
    this.directory = await mkdtemp(join(this.tempRoot, 'npi-rates-spool-'));
    this.path = join(this.directory, 'raw.bin');
    this.file = createWriteStream(this.path);
    this.file.on('error', (error) => {
      this.writeError = error;
    });
    for (const piece of this.memory) {
      if (!this.file.write(piece)) await once(this.file, 'drain');
    }
    this.memory = [];
  }
}
