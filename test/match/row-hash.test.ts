import { describe, expect, it } from 'vitest';
import { combineHashes, hashTexts } from '../../src/match/row-hash.js';

const hashText = (text: string) => hashTexts([text]);

function isHash(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < 2 ** 52;
}

describe('row hashes', () => {
  it('are 52-bit integers, equal for equal texts and different for near texts', () => {
    const texts = ['', 'a', 'b', 'ab', 'ba', '"negotiated"', '"negotiated "', 'ü', '{"npi":1234567893}'];
    const hashes = texts.map((text) => hashText(text));
    expect(hashes.every(isHash)).toBe(true);
    expect(new Set(hashes).size).toBe(texts.length);
    expect(hashText('"negotiated"')).toBe(hashes[5]);
  });

  it('tell a sequence of texts from the same characters cut elsewhere', () => {
    const cuts = [hashTexts(['ab', 'c']), hashTexts(['a', 'bc']), hashTexts(['abc', '']), hashTexts(['', 'abc']), hashTexts(['abc'])];
    expect(new Set(cuts).size).toBe(cuts.length);
  });

  it('combine in order', () => {
    const [first, second] = [hashText('item'), hashText('price')];
    expect(isHash(combineHashes(first, second))).toBe(true);
    expect(combineHashes(first, second)).not.toBe(combineHashes(second, first));
  });
});
