import { describe, expect, it } from 'vitest';
import { isWantedCode, makeSearchTarget } from '../../src/match/search-target.js';
import { parseNpiList } from '../../src/match/npi.js';

describe('search targets', () => {
  it('keeps TINs as digits, with or without the dash', () => {
    expect([...makeSearchTarget([], ['11-1000001', '111000002']).tins]).toEqual(['111000001', '111000002']);
  });

  it('refuses a --tin that is not 9 digits, naming it', () => {
    expect(() => makeSearchTarget([], ['11-111'])).toThrow('--tin "11-111" is not a TIN');
    expect(() => makeSearchTarget([], ['abc'])).toThrow('--tin "abc" is not a TIN');
  });

  it('matches --code with or without a type', () => {
    const target = makeSearchTarget([], [], ['cpt:99213', '0200']);
    expect(isWantedCode(target, 'CPT', '99213')).toBe(true);
    expect(isWantedCode(target, 'HCPCS', '99213')).toBe(false);
    expect(isWantedCode(target, 'RC', '0200')).toBe(true);
    expect(isWantedCode(target, 'CPT', '99214')).toBe(false);
  });

  it('matches a --code written with or without leading zeros or in another case', () => {
    const target = makeSearchTarget([], [], ['RC:0450', 'MS-DRG:470', 'CPT:0001U', '00100']);
    expect(isWantedCode(target, 'RC', '450')).toBe(true);
    expect(isWantedCode(target, 'rc ', '0450')).toBe(true);
    expect(isWantedCode(target, 'MS-DRG', ' 0470 ')).toBe(true);
    expect(isWantedCode(target, 'CPT', '0001u')).toBe(true);
    expect(isWantedCode(target, 'CPT', '100')).toBe(true);
    // Zeros inside or at the end still count, and a letter keeps its zeros.
    expect(isWantedCode(target, 'RC', '045')).toBe(false);
    expect(isWantedCode(target, 'MS-DRG', '4700')).toBe(false);
    expect(isWantedCode(target, 'CPT', '001U')).toBe(false);
    expect(isWantedCode(makeSearchTarget([], [], ['0']), 'RC', '000')).toBe(true);
  });

  it('parses NPIs, warning about a failed check digit and refusing anything but 10 digits', () => {
    expect(parseNpiList(['1234567893,1111111111', '1234567893'])).toEqual({
      npis: [1234567893, 1111111111],
      warnings: ['NPI 1111111111 fails its check digit; searching for it anyway'],
    });
    expect(() => parseNpiList(['123456789'])).toThrow('--npi "123456789" is not an NPI');
    expect(() => parseNpiList(['12345678901'])).toThrow('--npi "12345678901" is not an NPI');
  });
});
