/**
 * The text of a captured fragment. MRFs are UTF-8 by the schema, but files written from older
 * systems carry Windows-1252 (Latin-1) bytes in names and descriptions: "Café" as 43 61 66 E9.
 * Decoded as UTF-8 they would become U+FFFD without a word, so a fragment that is not valid
 * UTF-8 is read as Windows-1252 instead, and the caller warns.
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
    return { text: decodeWindows1252(bytes), notUtf8At: firstInvalidUtf8(bytes) };
  }
}

function decodeWindows1252(bytes: Uint8Array): string {
  let text = '';
  for (let start = 0; start < bytes.length; start += 8192) {
    const codes = Array.from(bytes.subarray(start, start + 8192), (byte) => (byte >= 0x80 && byte < 0xa0 ? WINDOWS_1252_HIGH[byte - 0x80] : byte));
    text += String.fromCharCode(...codes);
  }
  return text;
}

/** Index of the first byte that does not begin (or continue) a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i];
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte < 0xe0 ? 2 : byte >= 0xe0 && byte < 0xf0 ? 3 : byte >= 0xf0 && byte < 0xf5 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    for (let k = 1; k < length; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    i += length;
  }
  return bytes.length;
}
