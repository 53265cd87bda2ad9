/**
 * Python's json module (and pandas) writes NaN, Infinity and -Infinity for floats JSON cannot
 * hold, and MRFs generated that way carry them, most often as a missing negotiated_rate. They are
 * not JSON, so JSON.parse refuses the whole value. Read as null instead, with a warning, a rate
 * with no number is still a row, and the rest of the file is not lost.
 */

/** A JSON string (left as it is) or a non-standard number token (replaced). */
const STRING_OR_NON_FINITE = /"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g;

export type LenientParse =
  | { ok: true; value: unknown; firstToken: string }
  /** `position`: where the fault is in the original text, in characters, when JSON.parse said. */
  | { ok: false; message: string; position: number | undefined };

function positionIn(message: string): number | undefined {
  const position = /at position (\d+)/.exec(message)?.[1];
  return position === undefined ? undefined : Number(position);
}

/**
 * JSON.parse of `text`, which JSON.parse has refused with `error`, with NaN, Infinity and
 * -Infinity outside strings read as null. When the text is still not JSON, the fault found is
 * given with its position in `text` (the first one: a non-standard token or the other fault).
 */
export function parseWithNonFiniteNumbers(
  text: string,
  error: unknown,
  /** Applied to the text before it is parsed (quoting long integers); fault positions are found without it. */
  rewrite: (text: string) => string | undefined = () => undefined,
): LenientParse {
  const originalMessage = (error as Error).message;
  let firstToken: string | undefined;
  // Where each replacement starts in the new text, and how much shorter the new text is after it.
  const shifts: Array<{ at: number; shorterBy: number }> = [];
  let shorterBy = 0;
  const replaced = text.replace(STRING_OR_NON_FINITE, (match: string, offset: number) => {
    if (match.charCodeAt(0) === 0x22) return match;
    firstToken ??= match;
    const at = offset - shorterBy;
    shorterBy += match.length - 'null'.length;
    shifts.push({ at, shorterBy });
    return 'null';
  });
  if (firstToken === undefined) return { ok: false, message: originalMessage, position: positionIn(originalMessage) };
  try {
    return { ok: true, value: JSON.parse(rewrite(replaced) ?? replaced), firstToken };
  } catch {
    // The fault's position is taken from the text without the rewrite, so it maps back to `text`.
  }
  try {
    JSON.parse(replaced);
    return { ok: false, message: `${originalMessage} (with ${firstToken} read as null)`, position: undefined };
  } catch (second) {
    const message = `${(second as Error).message} (with ${firstToken} read as null)`;
    const position = positionIn(message);
    if (position === undefined) return { ok: false, message, position };
    let back = 0;
    for (const shift of shifts) if (shift.at < position) back = shift.shorterBy;
    return { ok: false, message: message.replace(`at position ${position}`, `at position ${position + back}`), position: position + back };
  }
}
