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

export function processIo(): CliIo {
  return { out: process.stdout, err: process.stderr, stdin: process.stdin, version: packageVersion() };
}
