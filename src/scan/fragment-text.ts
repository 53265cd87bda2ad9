/**
 * The text of a captured fragment. MRFs are UTF-8 by the schema, but files written from older
 * systems carry Windows-1252 (Latin-1) bytes in names and descriptions: "Café" as 43 61 66 E9.
 * Decoded as UTF-8 they would become U+FFFD without a word, so in a fragment that is not valid
 * UTF-8 the bytes that are not are read as Windows-1252 instead, and the caller warns.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Windows-1252 where it differs from Latin-1 (0x80-0x9F); the five bytes it leaves undefined
 * keep their Latin-1 code points. Node's own 'windows-1252' decoder gives Latin-1 for these.
 */
const WINDOWS_1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
];

export interface FragmentText {
  text: string;
  /** Set when the bytes were not UTF-8: where the first bad sequence starts, in the fragment. */
  notUtf8At?: number;
}

export function fragmentText(bytes: Uint8Array): FragmentText {
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    return { text: decodeMixed(bytes), notUtf8At: firstInvalidUtf8(bytes) };
  }
}

/**
 * Well-formed UTF-8 sequences as UTF-8, every other byte as Windows-1252: a value that mixes the
 * two (a writer that appended Latin-1 text to UTF-8 text) keeps both readable.
 */
function decodeMixed(bytes: Uint8Array): string {
  const codePoints: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i];
    const length = utf8SequenceLength(bytes, i);
    if (byte < 0x80) {
      codePoints.push(byte);
    } else if (length > 1) {
      let codePoint = byte & (0xff >> (length + 1));
      for (let k = 1; k < length; k++) codePoint = (codePoint << 6) | (bytes[i + k] & 0x3f);
      codePoints.push(codePoint);
    } else {
      codePoints.push(byte < 0xa0 ? WINDOWS_1252_HIGH[byte - 0x80] : byte);
    }
    i += Math.max(length, 1);
  }
  let text = '';
  for (let start = 0; start < codePoints.length; start += 8192) text += String.fromCodePoint(...codePoints.slice(start, start + 8192));
  return text;
}

/** Bytes of the well-formed UTF-8 sequence at `i` (1 for ASCII), or 0 when none starts there. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const byte = bytes[i];
  const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte < 0xe0 ? 2 : byte >= 0xe0 && byte < 0xf0 ? 3 : byte >= 0xf0 && byte < 0xf5 ? 4 : 0;
  if (length === 0 || i + length > bytes.length) return 0;
  for (let k = 1; k < length; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return 0;
  return length;
}

/** Index of the first byte that does not begin (or continue) a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const length = utf8SequenceLength(bytes, i);
    if (length === 0) return i;
    i += length;
  }
  return bytes.length;
}
