import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';

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
