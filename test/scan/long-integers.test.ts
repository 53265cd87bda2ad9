import { describe, expect, it } from 'vitest';
import { quoteLongIntegers } from '../../src/scan/long-integers.js';

describe('quoteLongIntegers', () => {
  it('quotes integers of 16 digits or more, with a sign or a .0 fraction, and nothing else', () => {
    const text = '{"a":1000000000000000001,"b":[-12345678901234567,1000000000000000002.0],"c":123456789012345}';
    expect(quoteLongIntegers(text)).toBe(
      '{"a":"1000000000000000001","b":["-12345678901234567","1000000000000000002.0"],"c":123456789012345}',
    );
  });

  it('leaves strings, fractions and exponents alone', () => {
    // Digits inside strings, after a decimal point, in a mantissa with an exponent or in an exponent.
    const text = '{"s":"id 1000000000000000001","f":0.12345678901234567,"g":1234567890123456789.5,"e":1234567890123456789e3,"x":1e-1234567890123456}';
    expect(quoteLongIntegers(text)).toBeUndefined();
  });

  it('keeps the digits JSON.parse would round away', () => {
    // As doubles both ids are 1000000000000000000.
    expect(JSON.parse('[1000000000000000001,1000000000000000002]')).toEqual([1e18, 1e18]);
    expect(JSON.parse(quoteLongIntegers('[1000000000000000001,1000000000000000002]')!)).toEqual([
      '1000000000000000001',
      '1000000000000000002',
    ]);
  });

  it('handles escaped quotes inside strings before a long integer', () => {
    expect(quoteLongIntegers('{"d":"say \\"hi\\"","id":98765432109876543}')).toBe('{"d":"say \\"hi\\"","id":"98765432109876543"}');
  });
});
