/**
 * Some insurers number provider groups with 16- to 20-digit ids (database keys, hashes). JSON.parse
 * reads every number as a double, which is exact only up to 2^53 (16 digits), so neighbouring ids
 * such as 1000000000000000001 and 1000000000000000002 both become 1000000000000000000, and a rate
 * of one group would be reported for the other. Integers that long are therefore read as strings,
 * digit for digit; ids are compared as text everywhere (see asIdKey), and every other field that
 * may hold a number also takes one written as a string.
 */

/** A JSON string (left as it is) or an integer of 16 digits or more that is not part of a longer number. */
const STRING_OR_LONG_INTEGER = /"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])-?\d{16,}(?:\.0+)?(?![\d.eE])/g;
const SIXTEEN_DIGITS = /\d{16}/;

/** `text` with its integers of 16 or more digits quoted, or undefined when it holds none. */
export function quoteLongIntegers(text: string): string | undefined {
  // Most values hold no such run at all: one quick test spares them the rewrite.
  if (!SIXTEEN_DIGITS.test(text)) return undefined;
  let changed = false;
  const quoted = text.replace(STRING_OR_LONG_INTEGER, (match: string) => {
    if (match.charCodeAt(0) === 0x22) return match;
    changed = true;
    return `"${match}"`;
  });
  return changed ? quoted : undefined;
}
