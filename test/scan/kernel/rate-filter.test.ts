import { describe, expect, it } from 'vitest';
import { JsonWalker, type PathSegment, type WalkerHandler } from '../../../src/scan/json-walker.js';
import { RateElementFilter, type RateGroupSources } from '../../../src/scan/kernel/rate-filter.js';
import { scanBytes } from '../../helpers/scan-bytes.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const NPI = 1234567893;
const OTHER_NPI = 1245319599;

/** Runs the filter over `{"rates": ARRAY}` cut into pieces of `chunkSize`; returns what it handed over. */
function candidates(
  arrayText: string,
  sources: Partial<RateGroupSources>,
  chunkSize = 1 << 20,
  patterns = [encoder.encode(String(NPI))],
): string[] {
  const filter = RateElementFilter.create(patterns);
  if (filter === undefined) throw new Error('this runtime lacks WebAssembly SIMD');
  const found: string[] = [];
  const handler: WalkerHandler = {
    elementFilter: filter,
    selectValue(path: readonly PathSegment[], kind) {
      if (path.length === 0) return 'descend';
      filter.useGroups({ useReferences: true, useInline: true, hasMatches: true, matchedIds: new Set(), ...sources });
      return kind === 'array' ? 'filter' : 'skip';
    },
    onCapture(path, bytes, offset) {
      found.push(`${String(path[1])}@${offset}:${decoder.decode(bytes)}`);
    },
  };
  const bytes = encoder.encode(`{"rates": ${arrayText}}`);
  const walker = new JsonWalker(handler, 'rates.json');
  for (let at = 0; at < bytes.length; at += chunkSize) walker.write(bytes.slice(at, at + chunkSize));
  walker.end();
  return found;
}

describe('RateElementFilter (WebAssembly negotiated-rates filter)', () => {
  const rates = [
    '{"provider_references":[1,2],"negotiated_prices":[{"negotiated_rate":10}]}',
    '{"negotiated_prices":[{"negotiated_rate":11}],"provider_references":[ 4 , 3 ]}',
    '{"provider_references":["7"],"negotiated_prices":[]}',
    '{"provider_references":8,"negotiated_prices":[]}',
    '{"Provider_References":[9.5],"negotiated_prices":[]}',
    `{"provider_groups":[{"npi":[${NPI}],"tin":{"type":"ein","value":"1"}}],"negotiated_prices":[]}`,
    `{"provider_groups":[{"npi":[${OTHER_NPI}],"tin":{"type":"ein","value":"1"}}],"negotiated_prices":[]}`,
    '{"provider_references":[5],"note":"a } ] { [ \\" \\\\ in a string"}',
  ];
  const array = `[${rates.join(',\n ')}]`;
  // Offsets: the first rate is byte 11 of `{"rates": [{`; each next one follows a ",\n ".
  const offsets = rates.map((_, i) => 11 + rates.slice(0, i).reduce((sum, rate) => sum + rate.length + 3, 0));

  it('hands over only rates with a matched id, an id it cannot read, or a searched NPI', () => {
    const found = candidates(array, { matchedIds: new Set([3, 7]) });
    expect(found).toEqual([
      `1@${offsets[1]}:${rates[1]}`, // id 3 matched, array after the prices
      `2@${offsets[2]}:${rates[2]}`, // "7" as a string
      `3@${offsets[3]}:${rates[3]}`, // a single id, not a list: a maybe
      `4@${offsets[4]}:${rates[4]}`, // 9.5 is no id the kernel reads: a maybe
      `5@${offsets[5]}:${rates[5]}`, // the NPI's digits in an inline group
    ]);
  });

  it('with no matched group, hands over only the inline rate holding the NPI', () => {
    expect(candidates(array, { hasMatches: false })).toEqual([`5@${offsets[5]}:${rates[5]}`]);
  });

  it('without inline groups (the second pass), hands over only the referenced matches', () => {
    const found = candidates(array, { useInline: false, matchedIds: new Set([5]) });
    expect(found).toEqual([3, 4, 7].map((i) => `${i}@${offsets[i]}:${rates[i]}`));
  });

  it('however the bytes are cut, hands over the same matches with their offsets and indexes', () => {
    const whole = candidates(array, { matchedIds: new Set([3, 7]) });
    for (const chunkSize of [1, 2, 3, 7, 64, 65, 100]) {
      const found = candidates(array, { matchedIds: new Set([3, 7]) }, chunkSize);
      expect(found).toEqual(expect.arrayContaining(whole));
      // Elements cut by a chunk edge are handed over unjudged (their first bytes are gone): the
      // caller's JavaScript check decides them. Each must still be whole, with its true offset.
      for (const text of found) {
        const index = Number(text.split('@')[0]);
        expect(text).toBe(`${index}@${offsets[index]}:${rates[index]}`);
      }
    }
  });

  it('reads arrays larger than its 1 MiB window, with elements across the window edge', () => {
    const filler = `{"provider_references":[1],"negotiated_prices":[{"negotiated_rate":1,"x":"${'y'.repeat(300)}"}]}`;
    const count = 4000; // about 1.3 MB
    const elements = Array.from({ length: count }, (_, i) => (i % 1000 === 999 ? filler.replace('[1]', '[2]') : filler));
    const found = candidates(`[${elements.join(',')}]`, { matchedIds: new Set([2]) }, 3 << 20);
    const indexes = found.map((text) => Number(text.split('@')[0]));
    // 999, 1999, 2999 and 3999 match; one element straddles the window's end and is handed over too.
    expect(indexes.filter((i) => i % 1000 === 999)).toEqual([999, 1999, 2999, 3999]);
    expect(indexes.length).toBeLessThanOrEqual(5);
    for (const text of found) expect(text.endsWith(']}')).toBe(true);
  });

  it('reads ids of every length, with leading zeros, in compact and spaced lists', () => {
    const matched = [7, 45, 678, 9012, 34567, 890123, 4567890, 12345678, 123456789012345];
    const lists = [
      '[1,7]', '[45]', '[44,46,678]', '[9012,1]', '[34567]', '[890123,2]', '[4567890]', '[12345678]',
      '[123456789012345]', '[0042,045]', '[ 9012 ]', '[\n 1,\n 34567\n]',
      // near misses: none of these is a matched id
      '[70,4,67,901,3456,89012,456789,1234567,123456789012344]', '[8,46,679,9013]', '[]',
    ];
    const array = `[${lists.map((list) => `{"provider_references":${list}}`).join(',')}]`;
    const found = candidates(array, { useInline: false, matchedIds: new Set(matched) });
    const indexes = found.map((text) => Number(text.split('@')[0]));
    expect(indexes).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('with more NPIs and TINs than its 16 pattern slots, hands over every rate with inline groups', () => {
    const many = Array.from({ length: 17 }, (_, i) => encoder.encode(String(1000000000 + i)));
    const found = candidates(array, { hasMatches: false }, 1 << 20, many);
    expect(found.map((text) => Number(text.split('@')[0]))).toEqual([5, 6]);
  });

  it('reports a mismatched bracket inside the array with its offset', () => {
    expect(() => candidates('[{"provider_references":[1}]', {})).toThrow("rates.json: expected ']' but found '}' at byte 36");
  });
});

/** Seeded numbers, so a failing document can be rebuilt from the seed in the test name. */
function makeRandom(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return (state >>> 8) % below;
  };
}

/** An MRF whose rates use every shape the filter must judge: ids as lists, strings, single values, odd keys. */
function randomMrf(random: (below: number) => number, isInNetworkFirst: boolean): string {
  const npis = [NPI, OTHER_NPI, 1003000126];
  const references = Array.from({ length: 12 }, (_, id) => ({
    provider_group_id: random(5) === 0 ? String(id) : id,
    provider_groups: [{ npi: [npis[random(3)]], tin: { type: 'ein', value: `11-100000${id % 10}` } }],
  }));
  const referencesKeys = ['provider_references', 'provider_references', 'Provider_References', 'PROVIDER_REFERENCES'];
  const idText = (id: number) => [String(id), `"${id}"`, ` ${id} `][random(3)];
  const rate = (code: number, i: number) => {
    const price = `{"negotiated_type":"negotiated","negotiated_rate":${code}.${i},"expiration_date":"9999-12-31","note":"${['x', '} ]', '\\"', '\\\\'][random(4)]}"}`;
    const key = referencesKeys[random(referencesKeys.length)];
    const ids = Array.from({ length: 1 + random(3) }, () => idText(random(14)));
    const shape = random(6);
    const inlineGroup = `{"npi":${random(2) ? `[${npis[random(3)]}]` : `"${npis[random(3)]}"`},"tin":{"type":"ein","value":"22-2000000"}}`;
    const groupsKey = ['provider_groups', 'Provider_Groups'][random(2)];
    const inline = `"${groupsKey}":${random(3) === 0 ? inlineGroup : `[${inlineGroup}]`}`;
    const member =
      shape === 0 ? inline : shape === 1 ? `"${key}":${ids[0]}` : `"${key}":\n[${ids.join(',')}]`;
    return random(2) ? `{${member},"negotiated_prices":[${price}]}` : `{"negotiated_prices":[${price}], ${member}}`;
  };
  const items = Array.from({ length: 8 }, (_, code) => {
    const count = 1 + random(12);
    return `{"billing_code":"${1000 + code}","billing_code_type":"CPT","negotiation_arrangement":"ffs","negotiated_rates":[${Array.from({ length: count }, (_, i) => rate(code, i)).join(',')}]}`;
  });
  const parts = [`"provider_references":${JSON.stringify(references)}`, `"in_network":[${items.join(',')}]`];
  if (isInNetworkFirst) parts.reverse();
  return `{"reporting_entity_name":"x",${parts.join(',')}}`;
}

describe('the WebAssembly filter against the JavaScript path, on random documents', () => {
  const rowsOf = async (text: string, useElementFilter: boolean, chunkSize: number) => {
    const outcome = await scanBytes(encoder.encode(text), { npis: [NPI] }, { chunkSize, useElementFilter });
    if (outcome.error) throw outcome.error;
    return outcome.rows.map((row) => JSON.stringify(row)).sort();
  };
  for (let seed = 1; seed <= 40; seed++) {
    it(`seed ${seed}: the same rows with and without the filter`, async () => {
      const random = makeRandom(seed);
      const text = randomMrf(random, seed % 4 === 0);
      const expected = await rowsOf(text, false, 1 << 20);
      expect(expected.length).toBeGreaterThan(0);
      expect(await rowsOf(text, true, 1 << 20)).toEqual(expected);
      expect(await rowsOf(text, true, 1 + random(97))).toEqual(expected);
    });
  }
});
