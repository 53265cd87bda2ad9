import { NpiRatesError } from '../shared/errors.js';
import { redactUrlsInText } from '../shared/redact-url.js';
import { PeekableByteStream } from './byte-peek.js';
import { gunzipLayer } from './gunzip-layer.js';
import { inflateLayer } from './inflate-layer.js';
import { GZIP_ID1, GZIP_ID2 } from './gzip-tail.js';
import { MIB } from './source-options.js';

const LETTER_P = 0x50; // P
const LETTER_K = 0x4b; // K
const ZIP_LOCAL_HEADER = [0x03, 0x04];
const ZIP_EMPTY_ARCHIVE = [0x05, 0x06];
const UTF8_BOM = [0xef, 0xbb, 0xbf];
const LEFT_CURLY_BRACKET = 0x7b; // {
const LEFT_SQUARE_BRACKET = 0x5b; // [
const LESS_THAN_SIGN = 0x3c; // <

/** JSON's insignificant whitespace: space, tab, line feed, carriage return. */
function isJsonWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

function startsWith(bytes: Uint8Array, prefix: number[], at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((value, index) => bytes[at + index] === value);
}

/** Index of the first byte after an optional UTF-8 BOM and whitespace, or -1 if none is there yet. */
function firstSignificantByte(bytes: Uint8Array): number {
  let index = startsWith(bytes, UTF8_BOM) ? UTF8_BOM.length : 0;
  while (index < bytes.length && isJsonWhitespace(bytes[index])) index += 1;
  return index < bytes.length ? index : -1;
}

export type ByteFormat = 'gzip' | 'zip' | 'zlib' | 'json' | 'unknown';

/** What the first bytes of a stream are, judged from the bytes alone (never names or headers). */
export function sniffFormat(firstBytes: Uint8Array): ByteFormat {
  if (firstBytes[0] === GZIP_ID1 && firstBytes[1] === GZIP_ID2) return 'gzip';
  if (firstBytes[0] === LETTER_P && firstBytes[1] === LETTER_K) {
    if (startsWith(firstBytes, ZIP_LOCAL_HEADER, 2) || startsWith(firstBytes, ZIP_EMPTY_ARCHIVE, 2)) return 'zip';
  }
  // A zlib header: deflate with a window of up to 32 KiB, and a check that makes the two bytes a
  // multiple of 31 ('x' never starts JSON).
  if (firstBytes.length >= 2 && (firstBytes[0] & 0x8f) === 0x08 && firstBytes[0] >> 4 <= 7 && ((firstBytes[0] << 8) | firstBytes[1]) % 31 === 0) {
    return 'zlib';
  }
  const index = firstSignificantByte(firstBytes);
  if (index < 0) return 'unknown';
  const byte = firstBytes[index];
  // UTF-16 LE without a byte order mark: '{' then a zero byte. Not JSON a scanner of UTF-8 can read.
  if (firstBytes.length > index + 1 && firstBytes[index + 1] === 0) return 'unknown';
  return byte === LEFT_CURLY_BRACKET || byte === LEFT_SQUARE_BRACKET ? 'json' : 'unknown';
}

/** UTF-16 text: a byte order mark, or ASCII characters each beside a zero byte ("{\0\"\0" or "\0{\0\""). */
function isUtf16(bytes: Uint8Array): boolean {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return true;
  if (bytes.length < 4) return false;
  const isAscii = (byte: number) => byte >= 0x09 && byte < 0x80;
  return (isAscii(bytes[0]) && bytes[1] === 0 && isAscii(bytes[2]) && bytes[3] === 0) || (bytes[0] === 0 && isAscii(bytes[1]) && bytes[2] === 0 && isAscii(bytes[3]));
}

/** The first bytes as a quoted string a person can read: ASCII as is, the rest as \xNN. */
function printableStart(bytes: Uint8Array, maxBytes = 80): string {
  let text = '';
  for (const byte of bytes.subarray(0, maxBytes)) {
    if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
    else if (byte === 0x0a) text += '\\n';
    else if (byte === 0x0d) text += '\\r';
    else if (byte === 0x09) text += '\\t';
    else text += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `"${redactUrlsInText(text)}${bytes.length > maxBytes ? '...' : ''}"`;
}

/** Compressions a publisher might use that Node has no decoder for; told by their magic bytes. */
const OTHER_COMPRESSIONS = [
  { name: 'bzip2', magic: [0x42, 0x5a, 0x68], tool: 'bunzip2 -k FILE' },
  { name: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], tool: 'unxz -k FILE' },
  { name: 'zstd', magic: [0x28, 0xb5, 0x2f, 0xfd], tool: 'zstd -d FILE' },
  { name: '7-Zip', magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], tool: '7z x FILE' },
];

/** A tar header is 512 bytes and holds "ustar" at byte 257 (POSIX and GNU formats). */
const TAR_HEADER_BYTES = 512;
const TAR_MAGIC = [0x75, 0x73, 0x74, 0x61, 0x72];

function describeUnknownStart(bytes: Uint8Array): { what: string; hint: string } {
  const index = firstSignificantByte(bytes);
  const text = Buffer.from(bytes.subarray(0, 512)).toString('latin1').toLowerCase();
  if (bytes.length === 0) {
    return { what: 'it is empty', hint: 'there are no bytes to read: check the path or link, or download the file again' };
  }
  const compression = OTHER_COMPRESSIONS.find((format) => startsWith(bytes, format.magic));
  if (compression) {
    return {
      what: `it is ${compression.name}-compressed, which npi-rates does not read (it reads gzip, zip and zlib)`,
      hint: `decompress it first (${compression.tool}) and search the .json file, or gzip it`,
    };
  }
  if (startsWith(bytes, TAR_MAGIC, 257)) {
    const name = Buffer.from(bytes.subarray(0, 100)).toString('latin1').replace(/\0.*$/s, '');
    return {
      what: `it is a tar archive (its first member is ${JSON.stringify(name)}), which npi-rates does not unpack`,
      hint: 'extract it (tar -xf FILE) and search the .json file inside',
    };
  }
  if (isUtf16(bytes)) {
    return {
      what: 'it is UTF-16 text (MRF files are UTF-8)',
      hint: `convert it to UTF-8 first (iconv -f UTF-16${bytes[0] === 0 || bytes[0] === 0xfe ? 'BE' : 'LE'} -t UTF-8 FILE > FILE.utf8.json)`,
    };
  }
  if (index >= 0 && bytes[index] === LESS_THAN_SIGN && /<html|<!doctype html|<head|<body/.test(text)) {
    return {
      what: 'it is an HTML page (often an error or login page served with status 200)',
      hint: 'open the link in a browser to see what the server sends; the link may have expired or need a login',
    };
  }
  if (index >= 0 && bytes[index] === LESS_THAN_SIGN) {
    return {
      what: 'it is an XML document (often a storage service error such as AccessDenied)',
      hint: 'open the link in a browser to read the error; re-fetch the table of contents if the link is stale',
    };
  }
  return {
    what: 'it starts with unexpected bytes',
    hint: 'check that the link points at an in-network rate file (JSON, gzip, zip or zlib)',
  };
}

function notJson(sourceName: string, head: Uint8Array, layers: string[]): NpiRatesError {
  const { what, hint } = describeUnknownStart(head);
  const after = layers.length > 0 ? ` after ${layers.join(' + ')} decompression` : '';
  const firstBytes = printableStart(head);
  return new NpiRatesError(
    'NPI_RATES_NOT_JSON',
    `${sourceName}: not JSON, gzip, zip or zlib${after}: ${what}; first bytes: ${firstBytes}`,
    { hint, details: { firstBytes, layers } },
  );
}

/** Enough of the front to decide: 4 bytes, more while only whitespace has been seen (at most 1 MiB). */
async function peekFormatHead(stream: PeekableByteStream): Promise<Uint8Array> {
  for (let wanted = 4; ; wanted *= 8) {
    const head = await stream.peek(wanted);
    const isDecided = sniffFormat(head) !== 'unknown' || firstSignificantByte(head) >= 0;
    if (isDecided || head.length < wanted || wanted >= MIB) return head;
  }
}

/** The ZIP reader (and yauzl) loads only when a ZIP archive is met: they are rare among MRFs. */
async function* unzipJsonMember(raw: AsyncIterable<Uint8Array>, sourceName: string): AsyncGenerator<Uint8Array> {
  const { zipJsonMember } = await import('./zip-layer.js');
  yield* zipJsonMember(raw, sourceName);
}

export interface DecodeOptions {
  /** Told of data the decoding skipped (bytes after the last gzip member). */
  onWarning?(message: string): void;
}

/** Nested layers beyond this are taken for an attack (a "zip bomb"), not a publisher's quirk. */
const MAX_LAYERS = 4;

/**
 * The JSON bytes inside a raw stream, peeling gzip, zip and zlib layers as the bytes show them:
 * `1f 8b` is gunzipped (several members in a row are one stream), `PK\x03\x04` is unzipped, a
 * zlib header (`78 9c` and the like) is inflated, and after each layer the bytes are sniffed again, so double gzip, or gzip bytes labelled with
 * `Content-Encoding: gzip`, decode the same as a plain .json.gz. A UTF-8 BOM is dropped; the
 * first significant byte must be `{` or `[`, else NPI_RATES_NOT_JSON names the source and shows
 * the first bytes.
 */
export async function* decodeLayers(
  raw: AsyncIterable<Uint8Array>,
  sourceName: string,
  options: DecodeOptions = {},
): AsyncGenerator<Uint8Array> {
  let stream = new PeekableByteStream(raw);
  const layers: string[] = [];
  for (;;) {
    const head = await peekFormatHead(stream);
    const format = sniffFormat(head);
    if ((format === 'gzip' || format === 'zip' || format === 'zlib') && layers.length >= MAX_LAYERS) {
      await stream.close();
      throw new NpiRatesError('NPI_RATES_TOO_MANY_LAYERS', `${sourceName}: more than ${MAX_LAYERS} nested compression layers (${layers.join(' + ')} + ...)`, {
        hint: 'this is not how rate files are published; check where the link came from',
      });
    }
    if (format === 'gzip') {
      const layerName = layers.length === 0 ? 'gzip' : `inner gzip (layer ${layers.length + 1})`;
      stream = new PeekableByteStream(gunzipLayer(stream, sourceName, { layerName, onWarning: options.onWarning }));
      layers.push('gzip');
      continue;
    }
    if (format === 'zlib') {
      stream = new PeekableByteStream(inflateLayer(stream, sourceName));
      layers.push('zlib');
      continue;
    }
    if (format === 'zip') {
      stream = new PeekableByteStream(unzipJsonMember(stream, sourceName));
      layers.push('zip');
      continue;
    }
    if (format === 'json') {
      if (startsWith(head, UTF8_BOM)) stream.skip(UTF8_BOM.length);
      yield* stream;
      return;
    }
    // Enough of the front to recognise a tar header, which names itself at byte 257.
    const front = head.length >= TAR_HEADER_BYTES ? head : await stream.peek(TAR_HEADER_BYTES).catch(() => head);
    await stream.close();
    throw notJson(sourceName, front, layers);
  }
}
