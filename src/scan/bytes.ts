/** Byte values the scanners compare against, named once. */
export const TAB = 0x09; // \t
export const LINE_FEED = 0x0a; // \n
export const CARRIAGE_RETURN = 0x0d; // \r
export const SPACE = 0x20; //
export const QUOTATION_MARK = 0x22; // "
export const PLUS_SIGN = 0x2b; // +
export const COMMA = 0x2c; // ,
export const HYPHEN_MINUS = 0x2d; // -
export const FULL_STOP = 0x2e; // .
export const DIGIT_0 = 0x30; // 0
export const DIGIT_9 = 0x39; // 9
export const COLON = 0x3a; // :
export const LATIN_CAPITAL_A = 0x41; // A
export const LATIN_CAPITAL_I = 0x49; // I
export const LATIN_CAPITAL_N = 0x4e; // N
export const LATIN_CAPITAL_Z = 0x5a; // Z
export const LEFT_SQUARE_BRACKET = 0x5b; // [
export const REVERSE_SOLIDUS = 0x5c; // \
export const RIGHT_SQUARE_BRACKET = 0x5d; // ]
export const LATIN_SMALL_A = 0x61; // a
export const LATIN_SMALL_Z = 0x7a; // z
export const LEFT_CURLY_BRACKET = 0x7b; // {
export const RIGHT_CURLY_BRACKET = 0x7d; // }
/** First byte of a UTF-8 byte-order mark (EF BB BF). */
export const BOM_FIRST = 0xef;

export function isWhitespace(byte: number): boolean {
  return byte === SPACE || byte === LINE_FEED || byte === CARRIAGE_RETURN || byte === TAB;
}

export function isDigit(byte: number): boolean {
  return byte >= DIGIT_0 && byte <= DIGIT_9;
}

/**
 * Bytes that may appear inside a JSON number, and the letters of -Infinity, which Python writers
 * put where a number goes (JSON.parse of a captured value then decides; see non-finite-json.ts).
 */
export function isNumberByte(byte: number): boolean {
  return isDigit(byte) || byte === HYPHEN_MINUS || byte === PLUS_SIGN || byte === FULL_STOP || isLiteralByte(byte);
}

/** Bytes of true / false / null, and of NaN and Infinity (see isNumberByte). */
export function isLiteralByte(byte: number): boolean {
  return (byte >= LATIN_SMALL_A && byte <= LATIN_SMALL_Z) || (byte >= LATIN_CAPITAL_A && byte <= LATIN_CAPITAL_Z);
}

/** Printable form of a byte for error messages. */
export function describeByte(byte: number): string {
  if (byte >= 0x20 && byte < 0x7f) return `'${String.fromCharCode(byte)}'`;
  return `byte 0x${byte.toString(16).padStart(2, '0')}`;
}
