import { describe, expect, it } from 'vitest';
import { asNumber, readNumber } from '../../src/match/loose-fields.js';

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

  it('reads a comma that cannot group thousands as a decimal comma, and one that could mean several numbers as unreadable', () => {
    const read = (text: string) => readNumber(text);
    expect(read('88,50')).toEqual({ value: 88.5, reading: 'the comma taken as a decimal comma' });
    expect(read('1.234,56')).toEqual({ value: 1234.56, reading: 'the comma taken as a decimal comma' });
    expect(['0,5', '12.345,67', '1,23', '1234,567', '-2,5'].map(asNumber)).toEqual([0.5, 12345.67, 1.23, 1234.567, -2.5]);
    // Three digits after one comma group thousands the US way, as the files of US payers do.
    expect(read('1,234')).toEqual({ value: 1234, reading: 'the comma taken as a thousands separator' });
    expect(read('12.50')).toEqual({ value: 12.5 });
    // A space after the dollar sign, and spaces grouping thousands.
    expect(read('$ 12.00')).toEqual({ value: 12, reading: 'the $ sign dropped' });
    expect(read('$1,234.50')).toEqual({ value: 1234.5, reading: 'the $ sign dropped, the comma taken as a thousands separator' });
    expect(read('1 234,56')).toEqual({ value: 1234.56, reading: 'the spaces taken as thousands separators, the comma taken as a decimal comma' });
    expect(read('12\u00a0345')).toEqual({ value: 12345, reading: 'the spaces taken as thousands separators' });
    expect(asNumber('1 2')).toBeNull();
    for (const text of ['1,2,3', '1,,2', ',5', '5,', '1.23,4.5', '12,34,567']) {
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
