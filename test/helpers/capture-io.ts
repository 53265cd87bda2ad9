import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

/** A CliIo whose output streams are collected into strings for assertions. */
export function captureIo(): { io: CliIo; stdout: () => string; stderr: () => string } {
  const out = new PassThrough();
  const err = new PassThrough();
  let outText = '';
  let errText = '';
  out.on('data', (chunk: Buffer) => (outText += chunk.toString()));
  err.on('data', (chunk: Buffer) => (errText += chunk.toString()));
  return {
    io: { out, err, stdin: new PassThrough(), version: '0.0.0-test' },
    stdout: () => outText,
    stderr: () => errText,
  };
}

/** Runs the CLI in-process, as `npi-rates <args>`, and returns its exit code and output. */
export async function runMain(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { io, stdout, stderr } = captureIo();
  const code = await main(['node', 'npi-rates', ...args], io);
  return { code, out: stdout(), err: stderr() };
}
