import { describe, expect, it } from 'vitest';
import { hasMoreKeysThanParsed, mayRepeatKeys, parseMergingRepeatedKeys } from '../../src/scan/duplicate-keys.js';

describe('parseMergingRepeatedKeys', () => {
  it('gives what JSON.parse gives for JSON without a repeated key', () => {
    const text = ' {"a" : [1, -2.5e3, true, false, null, "x\\"y\\\\z\\u00e9"], "b": {"c": {}, "d": []}, "e": "", "f": 0} ';
    expect(parseMergingRepeatedKeys(text)).toEqual({ value: JSON.parse(text), repeatedKeys: [], joinedKeys: [], differingValues: [] });
  });

  it('joins repeated lists, merges repeated objects member by member, and keeps the last of other values', () => {
    const text = '{"npi":[1],"tin":{"type":"ein"},"npi":[2,3],"tin":{"value":"11"},"n":1,"n":2,"x":[[1]],"x":[[2]]}';
    expect(parseMergingRepeatedKeys(text)).toEqual({
      value: { npi: [1, 2, 3], tin: { type: 'ein', value: '11' }, n: 2, x: [[1], [2]] },
      repeatedKeys: ['npi', 'tin', 'n', 'x'],
      joinedKeys: ['npi', 'tin', 'x'],
      differingValues: [{ key: 'n', earlier: 1, later: 2, within: [] }],
    });
  });
});

describe('parseMergingRepeatedKeys: where a differing repeat is', () => {
  it('gives the path of the object that repeats the key, inside the parsed value', () => {
    const text = '{"negotiated_prices":[{"negotiated_rate":1},{"negotiated_rate":88.5,"negotiated_rate":99.5}]}';
    expect(parseMergingRepeatedKeys(text).differingValues).toEqual([{ key: 'negotiated_rate', earlier: 88.5, later: 99.5, within: ['negotiated_prices', 1] }]);
  });
});

describe('hasMoreKeysThanParsed', () => {
  it('fires when the text writes more keys than JSON.parse kept, at any depth', () => {
    const check = (text: string) => hasMoreKeysThanParsed(text, JSON.parse(text));
    expect(check('{"negotiated_prices":[{"negotiated_rate":88.5,"negotiated_type":"negotiated"}],"provider_references":[1]}')).toBe(false);
    expect(check('{"negotiated_prices":[{"negotiated_rate":88.5,"negotiated_rate":99.5}],"provider_references":[1]}')).toBe(true);
    expect(check('{"a":1,"a":1}')).toBe(true);
    // A value holding `":` is a false alarm (a slower parse), never a miss.
    expect(check('{"note":"see \\"x\\": here"}')).toBe(true);
    expect(check('[1,2]')).toBe(false);
  });
});

describe('mayRepeatKeys', () => {
  it('fires for a rate or entry that repeats a key that matters, and not for ordinary ones', () => {
    expect(mayRepeatKeys('{"provider_references":[1],"negotiated_prices":[{}]}')).toBe(false);
    expect(mayRepeatKeys('{"provider_groups":[{"npi":[1],"tin":{}},{"npi":[2],"tin":{}}],"negotiated_prices":[]}')).toBe(false);
    expect(mayRepeatKeys('{"negotiated_prices":[],"negotiated_prices":[]}')).toBe(true);
    expect(mayRepeatKeys('{"provider_groups":[{"npi":[1],"npi":[2],"tin":{}}]}')).toBe(true);
  });
});
