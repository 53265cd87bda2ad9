import { describe, expect, it } from 'vitest';
import { asNumber } from '../../src/match/loose-fields.js';

describe('asNumber', () => {
  it('reads numbers written as text, with a dollar sign or US thousands groups', () => {
    expect(asNumber(' 55 ')).toBe(55);
    expect(asNumber('$1,200.50')).toBe(1200.5);
    expect(asNumber('1,234,567.89')).toBe(1234567.89);
    expect(asNumber('-1,234')).toBe(-1234);
    expect(asNumber('1.2e2')).toBe(120);
    expect(asNumber('.5')).toBe(0.5);
    expect(asNumber(64.25)).toBe(64.25);
  });

  it('reads a comma that is not a thousands separator as unreadable, never as a bigger number', () => {
    // "12,50" is 12.50 with a decimal comma, or nothing; reading it as 1250 would invent a price.
    for (const text of ['12,50', '0,5', '12.345,67', '1.234,56', '1,2,3', '1,,2', ',5', '5,', '1,23', '1234,567']) {
      expect(asNumber(text), text).toBeNull();
    }
  });

  it('reads what is not a finite number as unreadable', () => {
    expect(asNumber('1e400')).toBeNull();
    expect(asNumber(Number.POSITIVE_INFINITY)).toBeNull();
    expect(asNumber('N/A')).toBeNull();
    expect(asNumber('')).toBeNull();
    expect(asNumber(true)).toBeNull();
  });
});
