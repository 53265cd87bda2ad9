import { readFileSync } from 'node:fs';

/** Where a command writes: data to `out`, people to `err`. Tests pass their own pair. */
export interface CliIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream & { isTTY?: boolean };
  /** Standard input, for `--urls-file -`. */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  version: string;
}

function packageVersion(): string {
  const packageJson = JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  return packageJson.version;
}

let isStderrGuarded = false;

export function processIo(): CliIo {
  if (!isStderrGuarded) {
    isStderrGuarded = true;
    // The log is for people; the results go to -o. A reader of the log that went away
    // (`2>&1 | head`, a closed terminal) must not end a search or a cloud command halfway.
    process.stderr.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
  return { out: process.stdout, err: process.stderr, stdin: process.stdin, version: packageVersion() };
}
