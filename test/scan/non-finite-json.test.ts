import { describe, expect, it } from 'vitest';
import { parseWithNonFiniteNumbers } from '../../src/scan/non-finite-json.js';

function refused(text: string): unknown {
  try {
    JSON.parse(text);
  } catch (error) {
    return error;
  }
  throw new Error(`expected JSON.parse to refuse ${text}`);
}

describe('parseWithNonFiniteNumbers', () => {
  it('reads NaN, Infinity and -Infinity outside strings as null and leaves strings alone', () => {
    const text = '{"a":NaN,"b":[Infinity,-Infinity,1],"c":"NaN and -Infinity","d":"say \\"NaN\\""}';
    expect(parseWithNonFiniteNumbers(text, refused(text))).toEqual({
      ok: true,
      value: { a: null, b: [null, null, 1], c: 'NaN and -Infinity', d: 'say "NaN"' },
      firstToken: 'NaN',
    });
  });

  it('gives the original fault when there is nothing to replace', () => {
    const text = '{"a":1,}';
    const result = parseWithNonFiniteNumbers(text, refused(text));
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ message: (refused(text) as Error).message });
  });

  it('maps the position of another fault back to the original text', () => {
    // The '2' is at 29; once "-Infinity" (9 characters) and "NaN" (3) are "null" it is at 25.
    const text = '{"a":-Infinity,"b":NaN,"c":1 2}';
    expect(text.indexOf('2}')).toBe(29);
    const result = parseWithNonFiniteNumbers(text, refused(text));
    expect(result).toMatchObject({ ok: false, position: 29 });
  });
});
