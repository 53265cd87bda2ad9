/**
 * Bytes after the gzip data: a trailing newline, an error page a proxy appended, random bytes.
 * Node's own gunzip fails on them and drops its last output; the gunzip layer must keep every
 * decompressed byte and warn instead (see src/sources/gzip-tail.ts), within the limits below.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { NpiRatesError } from '../../src/shared/errors.js';
import { decodeLayers } from '../../src/sources/decode-layers.js';
import { gunzipLayer } from '../../src/sources/gunzip-layer.js';
import { inPieces, sampleMrfJson } from '../helpers/gzip-fixtures.js';

/** Junk up to this long after the last member is ignored (the layer's TAIL_BYTES). */
const TAIL_BYTES = 64 * 1024;

async function gunzipAll(data: Uint8Array, pieceSize: number): Promise<{ bytes: Buffer; warnings: string[] }> {
  const warnings: string[] = [];
  const parts: Buffer[] = [];
  for await (const chunk of gunzipLayer(inPieces(data, pieceSize), 'f.json.gz', { onWarning: (message) => warnings.push(message) })) {
    parts.push(Buffer.from(chunk));
  }
  return { bytes: Buffer.concat(parts), warnings };
}

/** A small deterministic generator (mulberry32), so a failure names a seed to rerun. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** `count` bytes from the generator. */
function randomBytes(next: () => number, count: number): Buffer {
  const bytes = Buffer.alloc(count);
  for (let index = 0; index < count; index++) bytes[index] = Math.floor(next() * 256);
  return bytes;
}

describe('junk after the gzip data', () => {
  const json = sampleMrfJson(200_000);
  const compressed = gzipSync(json);

  it.each([
    ['a newline', '\n'],
    ['CRLF', '\r\n'],
    ['a word', 'GARBAGE'],
    ['an HTML error page', `<html><body>${'upstream timed out '.repeat(200)}</body></html>`],
  ])('keeps every byte and warns once when %s follows the data', async (_, junk) => {
    const withJunk = Buffer.concat([compressed, Buffer.from(junk, 'latin1')]);
    for (const pieceSize of [1000, 65_536, 1 << 20]) {
      const { bytes, warnings } = await gunzipAll(withJunk, pieceSize);
      expect(bytes.equals(json)).toBe(true);
      expect(warnings).toHaveLength(1);
      const count = junk.length;
      expect(warnings[0]).toContain(
        `f.json.gz: ignored ${count.toLocaleString('en-US')} ${count === 1 ? 'byte' : 'bytes'} after the end of the gzip data ` +
          `(from compressed byte ${compressed.length.toLocaleString('en-US')}): not gzip (`,
      );
    }
  });

  it('reads a clean file with no warning, also when it is smaller than the tail', async () => {
    for (const data of [compressed, gzipSync('{"a":1}')]) {
      const { bytes, warnings } = await gunzipAll(data, 4096);
      expect(bytes.length).toBeGreaterThan(0);
      expect(warnings).toEqual([]);
    }
  });

  it('keeps the rows of a search whose file ends in junk, and says so in the warnings', async () => {
    const withJunk = Buffer.concat([gzipSync(json), Buffer.from('\n')]);
    const warnings: string[] = [];
    const parts: Buffer[] = [];
    for await (const chunk of decodeLayers(inPieces(withJunk, 8192), 'f.json.gz', { onWarning: (message) => warnings.push(message) })) {
      parts.push(Buffer.from(chunk));
    }
    expect(Buffer.concat(parts).equals(json)).toBe(true);
    expect(warnings).toEqual([
      `f.json.gz: ignored 1 byte after the end of the gzip data (from compressed byte ${compressed.length.toLocaleString('en-US')}): not gzip (unexpected end of file); everything before them was read`,
    ]);
  });

  it('keeps every byte of many small members (bgzip style) followed by a newline', async () => {
    const parts = Array.from({ length: 88 }, (_, index) => json.subarray(index * 2300, (index + 1) * 2300));
    const members = parts.map((part) => gzipSync(part));
    const data = Buffer.concat([...members, Buffer.from('\n')]);
    const { bytes, warnings } = await gunzipAll(data, 16_384);
    expect(bytes.equals(Buffer.concat(parts))).toBe(true);
    expect(warnings).toEqual([expect.stringContaining(`ignored 1 byte after the end of the gzip data (from compressed byte ${(data.length - 1).toLocaleString('en-US')})`)]);
  });

  it('keeps every byte of large members joined with cat (the last one longer than the tail) followed by a page', async () => {
    const text = Buffer.concat([json, json, json, json]);
    const parts = [0, 1, 2, 3].map((index) => text.subarray(index * 200_000, (index + 1) * 200_000));
    // Barely compressible members, so the last one is far longer than 64 KiB compressed.
    const members = parts.map((part) => gzipSync(part, { level: 0 }));
    expect(members[3].length).toBeGreaterThan(TAIL_BYTES);
    const data = Buffer.concat([...members, Buffer.from('<html>oops</html>')]);
    const lastStart = members[0].length + members[1].length + members[2].length;
    // Pieces that cut the last member's header after its first and its second byte, too.
    for (const pieceSize of [65_536, lastStart + 1, lastStart + 2, 7777]) {
      const { bytes, warnings } = await gunzipAll(data, pieceSize);
      expect(bytes.equals(Buffer.concat(parts)), `pieces of ${pieceSize}`).toBe(true);
      expect(warnings).toEqual([expect.stringContaining(`ignored 17 bytes after the end of the gzip data (from compressed byte ${(data.length - 17).toLocaleString('en-US')})`)]);
    }
  });

  it('still fails, as damage, when the junk is longer than the tail it can look back over', async () => {
    const junk = Buffer.alloc(TAIL_BYTES + 10, 'x');
    const error = await gunzipAll(Buffer.concat([compressed, junk]), 65_536).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(NpiRatesError);
    expect((error as NpiRatesError).code).toBe('NPI_RATES_BAD_GZIP');
    expect((error as NpiRatesError).message).toContain('f.json.gz: the gzip data is followed by bytes that are not gzip (incorrect header check)');
    expect((error as NpiRatesError).hint).toContain('gzip -dc FILE > FILE.json');
  });

  it('warns about bytes after zero padding, which zlib stops at without a word', async () => {
    const data = Buffer.concat([compressed, Buffer.alloc(100), Buffer.from('<html>502</html>')]);
    const { bytes, warnings } = await gunzipAll(data, 4096);
    expect(bytes.equals(json)).toBe(true);
    expect(warnings).toEqual([
      `f.json.gz: ignored 116 bytes after the end of the gzip data (from compressed byte ${compressed.length.toLocaleString('en-US')}): zero padding, then bytes that are not read; everything before them was read`,
    ]);
  });

  it('fails on a cut second member rather than calling it junk', async () => {
    const second = gzipSync(sampleMrfJson(5000));
    const cut = Buffer.concat([compressed, second.subarray(0, second.length - 30)]);
    const error = await gunzipAll(cut, 4096).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect((error as NpiRatesError).code).toBe('NPI_RATES_BAD_GZIP');
    expect((error as NpiRatesError).message).toContain('gzip data ends early');
  });

  // Random files: 1-3 members of text that compresses well or badly (so the tail holds the
  // whole file, the last member, or part of it), junk of every kind, pieces of every size. The
  // expectation is worked out from the rule the layer documents, not from the layer.
  it('matches the documented rule on 150 random files', async () => {
    for (let seed = 1; seed <= 150; seed++) {
      const next = random(seed);
      const memberCount = 1 + Math.floor(next() * 3);
      const payloads: Buffer[] = [];
      const members: Buffer[] = [];
      for (let index = 0; index < memberCount; index++) {
        const size = Math.floor(next() * (next() < 0.3 ? 400_000 : 60_000));
        const payload = next() < 0.5 ? sampleMrfJson(size) : Buffer.from(randomBytes(next, Math.floor(size / 2)).toString('base64'));
        payloads.push(payload);
        members.push(gzipSync(payload));
      }
      const kind = Math.floor(next() * 6);
      const junk = [
        Buffer.alloc(0),
        Buffer.from('\n'),
        Buffer.from('<!DOCTYPE html><html>gateway error</html>\n'),
        randomBytes(next, 1 + Math.floor(next() * 3000)).fill(0x41, 0, 1),
        Buffer.alloc(1 + Math.floor(next() * 100)), // zero padding: read as padding, no warning
        Buffer.from([0x1f]), // could be the start of a member: a cut file, not junk
      ][kind];
      const data = Buffer.concat([...members, junk]);
      const pieceSize = 1 + Math.floor(next() * 70_000);
      const expected = Buffer.concat(payloads);
      const lastMemberEnd = data.length - junk.length;
      const isJunk = junk.length > 0 && junk[0] !== 0 && junk[0] !== 0x1f;
      const label = `seed ${seed}: ${memberCount} member(s), junk kind ${kind} (${junk.length} bytes), pieces of ${pieceSize}`;
      const outcome = await gunzipAll(data, pieceSize).then(
        (result) => result,
        (error: unknown) => error as NpiRatesError,
      );
      if (kind === 5) {
        expect(outcome, label).toBeInstanceOf(NpiRatesError);
      } else if (!isJunk || junk.length <= TAIL_BYTES) {
        expect(outcome, label).not.toBeInstanceOf(Error);
        const { bytes, warnings } = outcome as { bytes: Buffer; warnings: string[] };
        expect(bytes.equals(expected), label).toBe(true);
        expect(warnings, label).toEqual(
          isJunk ? [expect.stringContaining(`(from compressed byte ${lastMemberEnd.toLocaleString('en-US')})`)] : [],
        );
      } else {
        expect((outcome as NpiRatesError).code, label).toBe('NPI_RATES_BAD_GZIP');
      }
    }
  });
});
