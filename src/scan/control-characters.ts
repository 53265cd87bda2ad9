/**
 * JSON forbids raw control characters (a tab, a NUL, 0x01...) inside strings, but writers that
 * copy free text into descriptions let them through, and JSON.parse then refuses the whole value:
 * one raw tab in one description would fail the file and lose every rate after it. Such strings
 * are read as if the characters were escaped, with a warning.
 */

/** A JSON string, raw control characters allowed (the `.` of `\.` takes any character). */
const STRING = /"(?:[^"\\]|\\.)*"/gs;
// eslint-disable-next-line no-control-regex -- finding them is the point
const CONTROL_CHARACTER = /[\u0000-\u001f]/g;

const NAMES: Record<number, string> = { 0x00: 'NUL', 0x09: 'tab', 0x0a: 'line feed', 0x0d: 'carriage return' };

/**
 * `text` with the control characters inside its strings escaped, and the name of the first one
 * ("tab", "0x01"); undefined when no string holds one.
 */
export function escapeControlCharacters(text: string): { text: string; first: string } | undefined {
  let first: string | undefined;
  const escaped = text.replace(STRING, (string: string) =>
    string.replace(CONTROL_CHARACTER, (character: string) => {
      const code = character.charCodeAt(0);
      first ??= NAMES[code] ?? `0x${code.toString(16).padStart(2, '0')}`;
      return `\\u${code.toString(16).padStart(4, '0')}`;
    }),
  );
  return first === undefined ? undefined : { text: escaped, first };
}
