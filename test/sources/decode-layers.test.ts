import { constants, deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { NpiRatesError } from '../../src/shared/errors.js';
import { decodeLayers, sniffFormat } from '../../src/sources/decode-layers.js';
import { collectBytes, inPieces, makeZip, sampleMrfJson } from '../helpers/gzip-fixtures.js';

const json = sampleMrfJson(300_000);

async function decodeError(data: Uint8Array, pieceSize = 64 * 1024): Promise<NpiRatesError> {
  try {
    await collectBytes(decodeLayers(inPieces(data, pieceSize), 'rates.json.gz'));
  } catch (error) {
    if (error instanceof NpiRatesError) return error;
    throw error;
  }
  throw new Error('expected the decoding to fail');
}

describe('sniffFormat', () => {
  it('tells gzip, zip, JSON and anything else apart from the first bytes', () => {
    expect(sniffFormat(Uint8Array.of(0x1f, 0x8b, 0x08, 0x00))).toBe('gzip');
    expect(sniffFormat(Buffer.from('PK\x03\x04', 'latin1'))).toBe('zip');
    expect(sniffFormat(Uint8Array.of(0x78, 0x9c))).toBe('zlib');
    expect(sniffFormat(Uint8Array.of(0x78, 0xda))).toBe('zlib');
    expect(sniffFormat(Uint8Array.of(0x78, 0x9d))).toBe('unknown'); // fails the header check
    expect(sniffFormat(Buffer.from('{"a":1}'))).toBe('json');
    expect(sniffFormat(Buffer.from(' \r\n\t['))).toBe('json');
    expect(sniffFormat(Buffer.from('\ufeff{', 'utf8'))).toBe('json');
    expect(sniffFormat(Buffer.from('<!DOCTYPE html>'))).toBe('unknown');
    expect(sniffFormat(Buffer.from('PKzz'))).toBe('unknown');
    expect(sniffFormat(new Uint8Array(0))).toBe('unknown');
  });
});

describe('decodeLayers', () => {
  it('passes plain JSON through unchanged', async () => {
    expect((await collectBytes(decodeLayers(inPieces(json, 4096), 'plain.json'))).equals(json)).toBe(true);
  });

  it('gunzips a gzip stream fed one byte at a time', async () => {
    const small = sampleMrfJson(2000);
    const decoded = await collectBytes(decodeLayers(inPieces(gzipSync(small), 1), 'small.json.gz'));
    expect(decoded.equals(small)).toBe(true);
  });

  it('gunzips twice when the file was gzipped twice', async () => {
    const decoded = await collectBytes(decodeLayers(inPieces(gzipSync(gzipSync(json)), 10_000), 'double.gz'));
    expect(decoded.equals(json)).toBe(true);
  });

  it('reads several gzip members in a row as one document', async () => {
    const cut = 123_457;
    const multiMember = Buffer.concat([gzipSync(json.subarray(0, cut)), gzipSync(json.subarray(cut))]);
    const decoded = await collectBytes(decodeLayers(inPieces(multiMember, 7_000), 'multi.json.gz'));
    expect(decoded.equals(json)).toBe(true);
  });

  it('drops a UTF-8 byte order mark, also inside gzip', async () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json]);
    expect((await collectBytes(decodeLayers(inPieces(withBom, 2), 'bom.json'))).equals(json)).toBe(true);
    expect((await collectBytes(decodeLayers(inPieces(gzipSync(withBom), 999), 'bom.json.gz'))).equals(json)).toBe(true);
  });

  it('accepts whitespace before the first brace', async () => {
    const padded = Buffer.concat([Buffer.from(' '.repeat(100) + '\r\n'), json]);
    expect((await collectBytes(decodeLayers(inPieces(padded, 3), 'padded.json'))).equals(padded.subarray(0))).toBe(true);
  });

  it('takes the .json member out of a ZIP that also holds a README', async () => {
    const zip = makeZip([
      { name: 'README.txt', data: Buffer.from('Rates for plan year 2024.\n'), store: true },
      { name: 'in-network/2024-01_in-network-rates.json', data: json },
    ]);
    const decoded = await collectBytes(decodeLayers(inPieces(zip, 50_000), 'rates.zip'));
    expect(decoded.equals(json)).toBe(true);
  });

  it('gunzips a .json.gz member inside a ZIP', async () => {
    const zip = makeZip([{ name: 'rates.json.gz', data: gzipSync(json), store: true }]);
    expect((await collectBytes(decodeLayers(inPieces(zip, 50_000), 'rates.zip'))).equals(json)).toBe(true);
  });

  it('reads the only file of a ZIP whatever its name (a zip made from a pipe calls it "-")', async () => {
    for (const [name, data] of [['-', gzipSync(json)], ['rates.txt', json]] as const) {
      const zip = makeZip([{ name: 'folder/', data: Buffer.alloc(0), store: true }, { name, data, store: true }]);
      expect((await collectBytes(decodeLayers(inPieces(zip, 50_000), 'rates.zip'))).equals(json)).toBe(true);
    }
  });

  it('refuses a ZIP of several files none of which is JSON, and lists what it holds', async () => {
    const error = await decodeError(makeZip([{ name: 'README.txt', data: Buffer.from('hello') }, { name: 'notes.pdf', data: Buffer.from('%PDF') }]));
    expect(error.code).toBe('NPI_RATES_ZIP_MEMBERS');
    expect(error.message).toBe('rates.json.gz: ZIP archive has no .json member (members: README.txt, notes.pdf)');
  });

  it('refuses a ZIP with two JSON members rather than joining them', async () => {
    const zip = makeZip([
      { name: 'a.json', data: Buffer.from('{}') },
      { name: 'b.json', data: Buffer.from('{}') },
    ]);
    const error = await decodeError(zip);
    expect(error.message).toBe('rates.json.gz: ZIP archive has 2 .json members (members: a.json, b.json)');
  });

  it('names UTF-16 text with or without a byte order mark, and says how to convert it', async () => {
    const text = '{"in_network":[]}';
    const cases: Array<[Buffer, string]> = [
      [Buffer.from(text, 'utf16le'), 'LE'],
      [Buffer.from(text, 'utf16le').swap16(), 'BE'],
      [Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), 'LE'],
    ];
    for (const [bytes, order] of cases) {
      const error = await decodeError(bytes);
      expect(error.code).toBe('NPI_RATES_NOT_JSON');
      expect(error.message).toContain('rates.json.gz: not JSON, gzip, zip or zlib: it is UTF-16 text (MRF files are UTF-8)');
      expect(error.hint).toBe(`convert it to UTF-8 first (iconv -f UTF-16${order} -t UTF-8 FILE > FILE.utf8.json)`);
    }
  });

  it('says an HTML page is not the file, and shows its first bytes', async () => {
    const page = Buffer.from('<!DOCTYPE html>\n<html><head><title>Access Denied</title></head><body>Sorry</body></html>');
    const error = await decodeError(page);
    expect(error.code).toBe('NPI_RATES_NOT_JSON');
    expect(error.message).toBe(
      'rates.json.gz: not JSON, gzip, zip or zlib: it is an HTML page (often an error or login page served with status 200); ' +
        'first bytes: "<!DOCTYPE html>\\n<html><head><title>Access Denied</title></head><body>Sorry</body..."',
    );
  });

  it('says what was found inside the gzip when the inside is not JSON', async () => {
    const error = await decodeError(gzipSync(Buffer.from('<Error><Code>AccessDenied</Code></Error>')));
    expect(error.message).toBe(
      'rates.json.gz: not JSON, gzip, zip or zlib after gzip decompression: it is an XML document (often a storage service error such as AccessDenied); ' +
        'first bytes: "<Error><Code>AccessDenied</Code></Error>"',
    );
  });

  it('inflates a zlib stream, also inside gzip', async () => {
    const small = sampleMrfJson(5000);
    expect((await collectBytes(decodeLayers(inPieces(deflateSync(small), 7), 'rates.json.zz'))).equals(small)).toBe(true);
    expect((await collectBytes(decodeLayers(inPieces(gzipSync(deflateSync(small)), 1000), 'rates.json.gz'))).equals(small)).toBe(true);
  });

  it('fails a cut zlib stream with what was produced', async () => {
    const error = await decodeError(deflateSync(json).subarray(0, 1000));
    expect(error.code).toBe('NPI_RATES_BAD_GZIP');
    expect(error.message).toMatch(/^rates\.json\.gz: zlib data ends early \(unexpected end of file\) after \d+ decompressed bytes; the file is incomplete$/);
  });

  it('names bzip2, xz, zstd and 7-Zip files and says how to decompress them', async () => {
    const bzip2 = await decodeError(Buffer.from('BZh91AY&SY', 'latin1'));
    expect(bzip2.message).toBe(
      'rates.json.gz: not JSON, gzip, zip or zlib: it is bzip2-compressed, which npi-rates does not read (it reads gzip, zip and zlib); first bytes: "BZh91AY&SY"',
    );
    expect(bzip2.hint).toBe('decompress it first (bunzip2 -k FILE) and search the .json file, or gzip it');
    expect((await decodeError(Uint8Array.of(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00))).message).toContain('it is xz-compressed');
    expect((await decodeError(Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x24))).message).toContain('it is zstd-compressed');
    expect((await decodeError(Uint8Array.of(0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0x00))).message).toContain('it is 7-Zip-compressed');
  });

  it('names a tar archive inside gzip and its first member', async () => {
    const header = Buffer.alloc(512);
    header.write('in-network.json', 0, 'latin1');
    header.write('ustar\u000000', 257, 'latin1');
    const tar = Buffer.concat([header, Buffer.from('{"in_network":[]}'), Buffer.alloc(1024 - 17)]);
    const error = await decodeError(gzipSync(tar));
    expect(error.message).toMatch(
      /^rates\.json\.gz: not JSON, gzip, zip or zlib after gzip decompression: it is a tar archive \(its first member is "in-network\.json"\), which npi-rates does not unpack; first bytes: "in-network\.json\\x00/,
    );
    expect(error.hint).toBe('extract it (tar -xf FILE) and search the .json file inside');
  });

  it('reports an empty file as empty', async () => {
    const error = await decodeError(new Uint8Array(0));
    expect(error.message).toBe('rates.json.gz: not JSON, gzip, zip or zlib: it is empty; first bytes: ""');
  });

  it('reports a truncated gzip with the compressed offset and the bytes produced so far', async () => {
    const compressed = gzipSync(json);
    const cutAt = Math.floor(compressed.length / 2);
    const truncated = compressed.subarray(0, cutAt);
    let produced = 0;
    let failure: unknown;
    try {
      for await (const chunk of decodeLayers(inPieces(truncated, 4096), 'cut.json.gz')) produced += chunk.length;
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(NpiRatesError);
    const error = failure as NpiRatesError;
    expect(error.code).toBe('NPI_RATES_BAD_GZIP');
    expect(error.details.compressedOffset).toBe(cutAt);
    expect(produced).toBeGreaterThan(0);
    expect(error.details.decompressedBytes).toBe(produced);
    expect(error.message).toBe(
      `cut.json.gz: gzip data ends early (unexpected end of file) at compressed byte ${cutAt.toLocaleString('en-US')}, after ${produced.toLocaleString('en-US')} decompressed bytes; the file is incomplete`,
    );
    expect(error.hint).toMatch(/download it again/);
  });

  it('reports corrupt deflate data as corrupt gzip', async () => {
    const damaged = Buffer.from(gzipSync(json));
    damaged.fill(0xff, 5_000, 5_100);
    const error = await decodeError(damaged, 4096);
    expect(error.code).toBe('NPI_RATES_BAD_GZIP');
    const match = /^rates\.json\.gz: corrupt gzip data \(.+\) between compressed bytes ([\d,]+) and ([\d,]+), after [\d,]+ decompressed bytes; the file is incomplete$/.exec(error.message);
    expect(match, error.message).not.toBeNull();
    // The damage (bytes 5,000-5,099) lies in the range named.
    const [from, to] = [match![1], match![2]].map((text) => Number(text.replace(/,/g, '')));
    expect(from).toBeLessThanOrEqual(5_000);
    expect(to).toBeGreaterThanOrEqual(5_100);
  });

  it('passes a transport error through the gunzip unchanged', async () => {
    const compressed = gzipSync(json);
    const transportError = new NpiRatesError('NPI_RATES_SOURCE_CHANGED', 'the file changed');
    async function* failingSource(): AsyncGenerator<Uint8Array> {
      yield compressed.subarray(0, 10_000);
      throw transportError;
    }
    await expect(collectBytes(decodeLayers(failingSource(), 'x.json.gz'))).rejects.toBe(transportError);
  });

  it('hands on everything the received bytes inflate to before a transport error: gzip, gzip in gzip, zlib', async () => {
    // The layer holds back up to 320 KiB of compressed bytes (its tail and look-ahead): without
    // handing them on, a connection lost for good dropped the rows in them.
    // Hex digits from a fixed linear congruential sequence: about half as long once compressed.
    let state = 12345;
    const digits = Array.from({ length: 1_200_000 }, () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 16) & 15);
    const document = Buffer.from(`{"a":"${digits.map((digit) => digit.toString(16)).join('')}"}`);
    const transportError = new NpiRatesError('NPI_RATES_DOWNLOAD_FAILED', 'the connection was lost');
    for (const layers of ['gzip', 'gzip in gzip', 'zlib']) {
      const compressed = layers === 'zlib' ? deflateSync(document) : gzipSync(document);
      expect(compressed.length).toBeGreaterThan(400_000);
      const received = compressed.subarray(0, 200_000);
      // All a zlib reader can get out of the received bytes.
      const decodable = (layers === 'zlib' ? inflateSync : gunzipSync)(received, { finishFlush: constants.Z_SYNC_FLUSH });
      expect(decodable.length).toBeGreaterThan(300_000);
      const outer = layers === 'gzip in gzip' ? gzipSync(received) : received;
      async function* failingSource(): AsyncGenerator<Uint8Array> {
        yield* inPieces(outer, 64 * 1024);
        throw transportError;
      }
      const handedOn: Uint8Array[] = [];
      let failure: unknown;
      try {
        for await (const chunk of decodeLayers(failingSource(), 'x.json.gz')) handedOn.push(chunk);
      } catch (error) {
        failure = error;
      }
      expect(failure, layers).toBe(transportError);
      expect(Buffer.concat(handedOn).equals(decodable), layers).toBe(true);
    }
  });

  it('stops reading the source when the consumer stops early', async () => {
    let sourceClosed = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        yield* inPieces(gzipSync(json), 1000);
      } finally {
        sourceClosed = true;
      }
    }
    for await (const chunk of decodeLayers(source(), 'x.json.gz')) {
      expect(chunk.length).toBeGreaterThan(0);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sourceClosed).toBe(true);
  });
});
