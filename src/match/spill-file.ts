import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A temporary file that row data moves to so memory does not grow with the rows found. It is
 * made on the first write, in its own `npi-rates-rows-*` folder, and deleted by close(). When no
 * file can be made (a full or read-only temporary folder), writes answer false and the caller
 * keeps its data in memory.
 */
export class SpillFile {
  private file: { directory: string; fd: number } | undefined;
  private cannotSpill = false;
  /** Why the data stays in memory, once a write failed (the first failure). */
  failure: string | undefined;

  constructor(
    private readonly fileName: string,
    private readonly tempRoot: string = tmpdir(),
  ) {}

  /** Writes `data` at `position`; false when there is no file to write to. */
  write(data: NodeJS.ArrayBufferView, position: number): boolean {
    if (this.cannotSpill) return false;
    try {
      if (this.file === undefined) {
        const directory = mkdtempSync(join(this.tempRoot, 'npi-rates-rows-'));
        this.file = { directory, fd: openSync(join(directory, this.fileName), 'w+') };
      }
      writeSync(this.file.fd, data, 0, data.byteLength, position);
      return true;
    } catch (error) {
      this.cannotSpill = true;
      this.failure = `${(error as NodeJS.ErrnoException).code ?? (error as Error).message} in ${this.tempRoot}`;
      return false;
    }
  }

  /** Reads `into.byteLength` bytes from `position` (written before by write()). */
  read(into: NodeJS.ArrayBufferView, position: number): void {
    if (this.file === undefined) throw new Error('assertion failed: reading a spill file that was never written');
    readSync(this.file.fd, into, 0, into.byteLength, position);
  }

  /** Closes and deletes the file; safe to call again. */
  close(): void {
    if (this.file === undefined) return;
    closeSync(this.file.fd);
    rmSync(this.file.directory, { recursive: true, force: true });
    this.file = undefined;
  }
}
