const QUOTATION_MARK = 0x22; // "
const REVERSE_SOLIDUS = 0x5c; // \
const SPACE = 0x20;
const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * One NDJSON line: a copy of a JSON value's bytes without the whitespace between tokens, so a
 * pretty-printed element fits on one line, then a line feed. Inside strings nothing changes (a
 * JSON string cannot hold a raw line break, so the value itself never contains one).
 */
export function compactJsonLine(bytes: Uint8Array): Uint8Array {
  const compact = new Uint8Array(bytes.length + 1);
  let length = 0;
  let isInString = false;
  let isEscaped = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (isInString) {
      compact[length++] = byte;
      if (isEscaped) isEscaped = false;
      else if (byte === REVERSE_SOLIDUS) isEscaped = true;
      else if (byte === QUOTATION_MARK) isInString = false;
      continue;
    }
    if (byte === SPACE || byte === LINE_FEED || byte === CARRIAGE_RETURN || byte === TAB) continue;
    if (byte === QUOTATION_MARK) isInString = true;
    compact[length++] = byte;
  }
  compact[length++] = LINE_FEED;
  return compact.subarray(0, length);
}
