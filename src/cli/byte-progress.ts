import type { CliIo } from './io.js';

const REDRAW_INTERVAL_MS = 500;
const MIB = 1024 * 1024;

export interface ByteProgress {
  /** Pass as `onBytes` to openByteStream. */
  onBytes(bytesSoFar: number): void;
  /** Clears the line; call before printing anything else to stderr. */
  done(): void;
  /** Prints one line to stderr, clearing the progress line first (it is redrawn on the next bytes). */
  print(line: string): void;
}

/**
 * A one-line "label: 123.4 MiB read" counter on stderr, redrawn at most twice a second and only
 * when stderr is a terminal, so logs and pipes never see carriage returns.
 */
export function createByteProgress(io: Pick<CliIo, 'err'>, label: string): ByteProgress {
  const isTerminal = io.err.isTTY === true;
  let lastDrawMs = 0;
  let drawn = false;
  const clear = (): void => {
    if (drawn) io.err.write('\r\u001b[K');
    drawn = false;
  };
  return {
    onBytes(bytesSoFar) {
      if (!isTerminal) return;
      const now = Date.now();
      if (now - lastDrawMs < REDRAW_INTERVAL_MS) return;
      lastDrawMs = now;
      drawn = true;
      io.err.write(`\r${label}: ${(bytesSoFar / MIB).toFixed(1)} MiB read`);
    },
    done: clear,
    print(line) {
      clear();
      io.err.write(`${line}\n`);
    },
  };
}
