import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { BlockWriter, FLUSH_DELAY_MS } from '../../src/search/block-writer.js';

function openFile(): { path: string; stream: ReturnType<typeof createWriteStream> } {
  const path = join(mkdtempSync(join(tmpdir(), 'npi-rates-blocks-')), 'journal.ndjson');
  return { path, stream: createWriteStream(path) };
}

describe('BlockWriter', () => {
  it('puts a text in the file within FLUSH_DELAY_MS though nothing else is written or flushed', async () => {
    const { path, stream } = openFile();
    await once(stream, 'open');
    const writer = new BlockWriter(stream);
    await writer.write('{"row":1}\n');
    expect(readFileSync(path, 'utf8')).toBe('');
    await sleep(FLUSH_DELAY_MS + 100);
    expect(readFileSync(path, 'utf8')).toBe('{"row":1}\n');
    stream.end();
  });

  it('writes texts in order and whole: one that overflows a block, one larger than a block, multi-byte text', async () => {
    const { path, stream } = openFile();
    const writer = new BlockWriter(stream);
    const texts = [`${'a'.repeat(700_000)}\n`, `${'b'.repeat(700_000)}\n`, `${'ü'.repeat(1_300_000)}\n`, 'end\n'];
    for (const text of texts) await writer.write(text);
    await writer.flush();
    stream.end();
    await once(stream, 'close');
    expect(readFileSync(path, 'utf8')).toBe(texts.join(''));
  });

  it('writes bytes and texts in order: bytes that overflow a block, bytes larger than a block, a text between', async () => {
    const { path, stream } = openFile();
    const writer = new BlockWriter(stream);
    await writer.writeBytes(Buffer.from(`${'a'.repeat(700_000)}\n`));
    await writer.writeBytes(Buffer.from(`${'b'.repeat(700_000)}\n`));
    await writer.write('text\n');
    await writer.writeBytes(Buffer.from(`${'ü'.repeat(600_000)}\n`)); // 1.2 MB: more than a block
    await writer.writeBytes(Buffer.from('end\n'));
    await writer.flush();
    stream.end();
    await once(stream, 'close');
    expect(readFileSync(path, 'utf8')).toBe(`${'a'.repeat(700_000)}\n${'b'.repeat(700_000)}\ntext\n${'ü'.repeat(600_000)}\nend\n`);
  });

  it('rejects the next write once the stream has failed', async () => {
    const stream = createWriteStream(join(tmpdir(), 'no-such-folder-for-npi-rates', 'journal.ndjson'));
    const writer = new BlockWriter(stream);
    await once(stream, 'error');
    await expect(writer.write('{"row":1}\n')).rejects.toThrow(/ENOENT/);
  });
});
