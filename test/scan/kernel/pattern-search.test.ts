import { describe, expect, it } from 'vitest';
import { PatternSearch } from '../../../src/scan/kernel/pattern-search.js';

const encoder = new TextEncoder();
const bytesOf = (text: string): Uint8Array => encoder.encode(text);

describe('PatternSearch (the WebAssembly prefilter kernel)', () => {
  it('finds a pattern at every position of a haystack, including the very end', () => {
    const search = PatternSearch.create([bytesOf('1234567893')])!;
    for (let at = 0; at <= 70; at++) {
      const text = `${'x'.repeat(at)}1234567893${'y'.repeat(70 - at)}`;
      expect(search.containsAny(bytesOf(text)), `at ${at}`).toBe(true);
      expect(search.containsAny(bytesOf(text.slice(0, at + 9))), `cut at ${at}`).toBe(false);
    }
  });

  it('does not answer yes on first and last bytes alone, nor on stale bytes past the end', () => {
    const search = PatternSearch.create([bytesOf('1234567893')])!;
    expect(search.containsAny(bytesOf('[1000000003, 1234567803, 1234567893]'))).toBe(true);
    expect(search.containsAny(bytesOf('[1000000003, 1234567803]'))).toBe(false);
    expect(search.containsAny(bytesOf('[1234567'))).toBe(false);
  });

  it('answers yes when any of several patterns is present', () => {
    const search = PatternSearch.create([bytesOf('1111111112'), bytesOf('"provider_groups"'), bytesOf('5')])!;
    expect(search.containsAny(bytesOf('{"provider_groups": []}'))).toBe(true);
    expect(search.containsAny(bytesOf('{"npi": [1111111112]}'))).toBe(true);
    expect(search.containsAny(bytesOf('{"a": 5}'))).toBe(true);
    expect(search.containsAny(bytesOf('{"a": 4}'))).toBe(false);
  });

  it('leaves elements larger than its window to the caller', () => {
    const search = PatternSearch.create([bytesOf('abc')])!;
    expect(search.containsAny(new Uint8Array(search.capacityBytes + 1))).toBeUndefined();
    const full = new Uint8Array(search.capacityBytes);
    full.set(bytesOf('abc'), search.capacityBytes - 3);
    expect(search.containsAny(full)).toBe(true);
  });

  it('declines pattern sets it cannot hold', () => {
    expect(PatternSearch.create([])).toBeUndefined();
    expect(PatternSearch.create(Array.from({ length: 17 }, () => bytesOf('1')))).toBeUndefined();
    expect(PatternSearch.create([new Uint8Array(300)])).toBeUndefined();
  });
});
