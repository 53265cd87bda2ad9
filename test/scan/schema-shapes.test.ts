import { describe, expect, it } from 'vitest';
import { scanBytes } from '../helpers/scan-bytes.js';

/**
 * Every schema shape and deviation the scanner accepts, on small documents written here, so a
 * clone without ../shared still covers them. A, B and C are invented NPIs with valid check digits.
 */
const A = 1234567893;
const B = 1245319599;
const C = 1003000126;
const encode = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const price = (rate: unknown, extra: Record<string, unknown> = {}) => ({
  negotiated_type: 'negotiated',
  negotiated_rate: rate,
  expiration_date: '9999-12-31',
  billing_class: 'professional',
  ...extra,
});
const group = (npi: unknown, tin = '11-1000001') => ({ npi, tin: { type: 'ein', value: tin } });

async function summary(document: unknown, search: { npis?: number[]; tins?: string[]; codes?: string[] }) {
  const outcome = await scanBytes(encode(document), search, { chunkSize: 5 });
  if (outcome.error) throw outcome.error;
  return {
    rows: outcome.rows.map((row) => `${row.billing_code} ${row.npi} ${row.tin.value} ${row.negotiated_rate}`).sort(),
    warnings: outcome.warnings,
    logs: outcome.logs,
    mayMissRows: outcome.result?.mayMissRows,
  };
}

describe('schema shapes', () => {
  it('matches referenced groups when provider_references comes first (v2)', async () => {
    const document = {
      provider_references: [
        { provider_group_id: 1, provider_groups: [group([A, B])] },
        { provider_group_id: 2, provider_groups: [group([C], '11-1000002')] },
      ],
      in_network: [{ billing_code: '99213', negotiated_rates: [{ provider_references: [1, 2], negotiated_prices: [price(80)] }] }],
    };
    expect((await summary(document, { npis: [A, C] })).rows).toEqual(['99213 1003000126 11-1000002 80', '99213 1234567893 11-1000001 80']);
  });

  it('re-reads in_network when it comes before provider_references, and says so', async () => {
    const document = {
      in_network: [{ billing_code: '99213', negotiated_rates: [{ provider_references: [1], negotiated_prices: [price(80)] }] }],
      provider_references: [{ provider_group_id: 1, provider_groups: [group([A])] }],
    };
    const result = await summary(document, { npis: [A] });
    expect(result.rows).toEqual(['99213 1234567893 11-1000001 80']);
    expect(result.logs).toHaveLength(1);
    // In the output too, which outlives the log (BUG-01 asks for a second pass "with a warning").
    expect(result.warnings).toEqual([
      'in_network comes before provider_references, so in_network was read a second time, once the provider groups were known (slower, but no rate is missed for it)',
    ]);
  });

  it('stops the second read where in_network ends', async () => {
    const inNetwork = `[{"billing_code":"99213","negotiated_rates":[{"provider_references":[1],"negotiated_prices":[${JSON.stringify(price(80))}]}]}]`;
    const references = JSON.stringify([{ provider_group_id: 1, provider_groups: [group([A])] }]);
    const text = `{"in_network":${inNetwork},"provider_references":${references}}`;
    const outcome = await scanBytes(encode(text), { npis: [A] }, { chunkSize: 5 });
    expect(outcome.rows).toHaveLength(1);
    // The first read takes the whole document; the second ends on the ']' closing in_network.
    const inNetworkEnd = '{"in_network":'.length + inNetwork.length;
    expect(outcome.result?.decompressedBytes).toBe(text.length + inNetworkEnd);
  });

  it('reads inline groups (v1) and the union of inline and referenced groups (hybrid)', async () => {
    const document = {
      provider_references: [{ provider_group_id: 3, provider_groups: [group([B], '11-1000002')] }],
      in_network: [
        {
          billing_code: '99215',
          negotiated_rates: [
            { provider_groups: [group([A])], provider_references: [3], negotiated_prices: [price(175)] },
            { provider_groups: [group([C], '11-1000003')], negotiated_prices: [price(181)] },
          ],
        },
      ],
    };
    expect((await summary(document, { npis: [A, B, C] })).rows).toEqual([
      '99215 1003000126 11-1000003 181',
      '99215 1234567893 11-1000001 175',
      '99215 1245319599 11-1000002 175',
    ]);
  });

  it('takes every place a number may be a string: npi, group ids, references, rates', async () => {
    const document = {
      provider_references: [
        { provider_group_id: '7', provider_groups: [{ npi: ` ${A} `, tin: { type: 'ein', value: '11-1000001' } }] },
        { provider_group_id: 8.0, provider_groups: [{ npi: String(B), tin: { type: 'ein', value: 111000002 } }] },
      ],
      in_network: [
        {
          billing_code: 99213,
          negotiated_rates: [
            { provider_references: ['7'], negotiated_prices: [price('$1,200.50')] },
            { provider_references: 8, negotiated_prices: price('64.25') },
          ],
        },
      ],
    };
    expect((await summary(document, { npis: [A, B] })).rows).toEqual([
      '99213 1234567893 11-1000001 1200.5',
      '99213 1245319599 111000002 64.25',
    ]);
  });

  it('tells provider group ids beyond 2^53 apart digit for digit, in both layouts and with or without the element filter', async () => {
    // As doubles, ids ...001, ...002 and ...003 are all 1000000000000000000: a rate of B's group
    // (...002) or of no group (...003) must not be reported as A's (...001). Written as text,
    // since a number literal here would round too.
    const references = `[{"provider_group_id":1000000000000000001,"provider_groups":[${JSON.stringify(group(A))}]},
      {"provider_group_id":"1000000000000000002","provider_groups":[${JSON.stringify(group(B, '11-1000002'))}]}]`;
    const rate = (ids: string, amount: number) => `{"provider_references":${ids},"negotiated_prices":[${JSON.stringify(price(amount))}]}`;
    const inNetwork = `[{"billing_code":"99213","negotiated_rates":[${[
      rate('["1000000000000000002"]', 50),
      rate('[1000000000000000001]', 77),
      rate('["01000000000000000001.0"]', 78),
      rate('[1000000000000000003, 1000000000000000002]', 99),
    ].join(',')}]}]`;
    for (const layout of ['references first', 'in_network first']) {
      const document =
        layout === 'references first'
          ? `{"provider_references":${references},"in_network":${inNetwork}}`
          : `{"in_network":${inNetwork},"provider_references":${references}}`;
      for (const useElementFilter of [true, false]) {
        const outcome = await scanBytes(encode(document), { npis: [A] }, { chunkSize: 7, useElementFilter });
        if (outcome.error) throw outcome.error;
        expect(outcome.rows.map((row) => `${row.npi} ${row.negotiated_rate}`).sort(), `${layout}, element filter ${useElementFilter}`).toEqual([
          '1234567893 77',
          '1234567893 78',
        ]);
      }
    }
  });

  it('finds NPIs and TINs a writer printed as doubles in exponent form (1.234567893E9), referenced and inline', async () => {
    // Java's Double.toString writes 1234567893 as 1.234567893E9: the NPI's digits are not together.
    const tin = (value: string) => `{"type":"ein","value":${value}}`;
    const references = `[{"provider_group_id":1,"provider_groups":[{"npi":[1.234567893E9],"tin":${tin('"11-1000001"')}}]},
      {"provider_group_id":2,"provider_groups":[{"npi":[1.234567893e+09],"tin":${tin('"11-1000001"')}}]},
      {"provider_group_id":3,"provider_groups":[{"npi":["1.234567893E9"],"tin":${tin('"11-1000001"')}}]},
      {"provider_group_id":4,"provider_groups":[{"npi":[1.2453196E9],"tin":${tin('1.11000002E8')}}]}]`;
    const rate = (groups: string, amount: number) => `{${groups},"negotiated_prices":[${JSON.stringify(price(amount))}]}`;
    const inNetwork = `[{"billing_code":"99213","negotiated_rates":[${[
      rate('"provider_references":[1]', 11),
      rate('"provider_references":[2]', 12),
      rate('"provider_references":[3]', 13),
      rate('"provider_references":[4]', 14),
      rate(`"provider_groups":[{"npi":[1.234567893E9],"tin":${tin('"11-1000001"')}}]`, 15),
      rate(`"provider_groups":[{"npi":[1.003000126E9],"tin":${tin('1.11000002E8')}}]`, 16),
    ].join(',')}]}]`;
    const document = `{"provider_references":${references},"in_network":${inNetwork}}`;
    for (const useElementFilter of [true, false]) {
      const byNpi = await scanBytes(encode(document), { npis: [A] }, { chunkSize: 9, useElementFilter });
      expect(byNpi.rows.map((row) => `${row.npi} ${row.negotiated_rate}`).sort()).toEqual([
        '1234567893 11',
        '1234567893 12',
        '1234567893 13',
        '1234567893 15',
      ]);
      // 1.2453196E9 is 1245319600, not B; the TIN search finds its group and the inline one.
      const byTin = await scanBytes(encode(document), { tins: ['11-1000002'] }, { chunkSize: 9, useElementFilter });
      expect(byTin.rows.map((row) => `${row.npi} ${row.tin.value} ${row.negotiated_rate}`).sort()).toEqual([
        '1003000126 111000002 16',
        '1245319600 111000002 14',
      ]);
    }
  });

  it('reads lists nested inside the lists of provider_references, provider_groups, in_network, negotiated_rates and prices, with a warning', async () => {
    const references = [[{ provider_group_id: 1, provider_groups: [[group([A])]] }], { provider_group_id: 2, provider_groups: [group([B])] }];
    const inNetwork = [
      [
        {
          billing_code: '1',
          negotiated_rates: [
            [{ provider_references: [1], negotiated_prices: [[price(10)], price(11)] }],
            { provider_references: [2], negotiated_prices: [price(12)] },
          ],
        },
        { billing_code: '2', negotiated_rates: [[[{ provider_groups: [[group([A], '11-1000009')]], negotiated_prices: [price(20)] }]]] },
      ],
      { billing_code: '3', negotiated_rates: [{ provider_references: [1, 2], negotiated_prices: [price(30)] }] },
    ];
    for (const layout of ['references first', 'in_network first']) {
      const document = layout === 'references first' ? { provider_references: references, in_network: inNetwork } : { in_network: inNetwork, provider_references: references };
      for (const useElementFilter of [true, false]) {
        const outcome = await scanBytes(encode(document), { npis: [A] }, { chunkSize: 11, useElementFilter });
        if (outcome.error) throw outcome.error;
        const label = `${layout}, element filter ${useElementFilter}`;
        expect(outcome.rows.map((row) => `${row.billing_code} ${row.npi} ${row.tin.value} ${row.negotiated_rate}`).sort(), label).toEqual([
          '1 1234567893 11-1000001 10',
          '1 1234567893 11-1000001 11',
          '2 1234567893 11-1000009 20',
          '3 1234567893 11-1000001 30',
        ]);
        const secondRead = 'in_network comes before provider_references, so in_network was read a second time, once the provider groups were known (slower, but no rate is missed for it)';
        expect([...new Set(outcome.warnings)].filter((warning) => warning !== secondRead).sort(), label).toEqual([
          'in_network[0] is a list inside in_network\'s list; the items in it are read',
          'negotiated_prices holds a list inside its list; the entries of the inner list are read',
          'negotiated_rates holds a list inside its list; the entries of the inner list are read',
          'provider_groups holds a list inside its list; the entries of the inner list are read',
          'provider_references holds a list inside its list; the entries of the inner list are read',
        ]);
      }
    }
  });

  it('reads several NPIs in one string and NPI lists nested in the list, referenced and inline, with a warning', async () => {
    const document = {
      provider_references: [{ provider_group_id: 1, provider_groups: [group(`${A}, ${B}`)] }],
      in_network: [
        {
          billing_code: '99213',
          negotiated_rates: [
            { provider_references: [1], negotiated_prices: [price(10)] },
            { provider_groups: [group([[C]], '11-1000003')], negotiated_prices: [price(20)] },
          ],
        },
      ],
    };
    const result = await summary(document, { npis: [A, B, C] });
    expect(result.rows).toEqual(['99213 1003000126 11-1000003 20', '99213 1234567893 11-1000001 10', '99213 1245319599 11-1000001 10']);
    expect(result.warnings).toEqual([
      `npi value "${A}, ${B}" holds 2 NPIs in one string; each is read`,
      `npi holds a list inside its list ([${C}]); its NPIs are read`,
    ]);
  });

  it('reads several reference ids, service codes or modifiers written in one string, with a warning', async () => {
    const document = {
      provider_references: [
        { provider_group_id: 1, provider_groups: [group([A])] },
        { provider_group_id: 2, provider_groups: [group([B], '11-1000002')] },
      ],
      in_network: [
        {
          billing_code: '99213',
          negotiated_rates: [
            { provider_references: '1, 2', negotiated_prices: [price(10, { service_code: '11,22', billing_code_modifier: '26 TC' })] },
          ],
        },
      ],
    };
    const outcome = await scanBytes(encode(document), { npis: [A, B] }, { chunkSize: 5 });
    expect(outcome.rows.map((row) => [row.npi, row.service_code, row.billing_code_modifier])).toEqual([
      [A, ['11', '22'], ['26', 'TC']],
      [B, ['11', '22'], ['26', 'TC']],
    ]);
    expect(outcome.warnings).toEqual([
      'provider_references value "1, 2" holds 2 ids in one string; each is read',
      'service_code value "11,22" holds 2 values in one string; each is read',
      'billing_code_modifier value "26 TC" holds 2 values in one string; each is read',
    ]);
  });

  it('reads reference ids in lists nested in the list, with a warning', async () => {
    const document = {
      provider_references: [
        { provider_group_id: 1, provider_groups: [group([A])] },
        { provider_group_id: 2, provider_groups: [group([A], '11-1000002')] },
      ],
      in_network: [{ billing_code: '1', negotiated_rates: [{ provider_references: [[1], [2]], negotiated_prices: [price(5)] }] }],
    };
    for (const useElementFilter of [true, false]) {
      const outcome = await scanBytes(encode(document), { npis: [A] }, { chunkSize: 9, useElementFilter });
      expect(outcome.rows.map((row) => row.tin.value)).toEqual(['11-1000001', '11-1000002']);
      expect(outcome.warnings).toEqual([
        'provider_references holds a list inside its list ([1]); its ids are read',
        'provider_references holds a list inside its list ([2]); its ids are read',
      ]);
    }
  });

  it("reads Python's NaN, Infinity and -Infinity as null with a warning instead of failing the file", async () => {
    // What json.dumps writes for a float('nan') rate: not JSON, but real files carry it.
    const text =
      '{"version":NaN,"provider_references":[{"provider_group_id":1,"provider_groups":[' + JSON.stringify(group([A])) + ']}],' +
      '"in_network":[{"billing_code":"99213","billing_code_type_version":-Infinity,"negotiated_rates":[' +
      '{"provider_references":[1],"negotiated_prices":[{"negotiated_type":"negotiated","negotiated_rate":NaN,"expiration_date":"NaN"}]},' +
      '{"provider_groups":[' + JSON.stringify(group([B], '11-1000002')) + '],"negotiated_prices":[{"negotiated_type":"negotiated","negotiated_rate":Infinity}]},' +
      '{"provider_references":[1],"negotiated_prices":[{"negotiated_type":"negotiated","negotiated_rate":12.5}]}]}]}';
    const result = await summary(text, { npis: [A, B] });
    expect(result.rows).toEqual(['99213 1234567893 11-1000001 12.5', '99213 1234567893 11-1000001 null', '99213 1245319599 11-1000002 null']);
    expect(result.warnings).toEqual([
      "NaN in version (from byte 11) is not a JSON number (a Python or pandas writer's); read as null",
      "-Infinity in in_network[0].billing_code_type_version (from byte 212) is not a JSON number (a Python or pandas writer's); read as null",
      "NaN in in_network[0].negotiated_rates[0] (from byte 242) is not a JSON number (a Python or pandas writer's); read as null",
      'a negotiated price has no negotiated_rate (missing or null); reported as null',
      "Infinity in in_network[0].negotiated_rates[1] (from byte 371) is not a JSON number (a Python or pandas writer's); read as null",
      'a negotiated price has no negotiated_rate (missing or null); reported as null',
    ]);
  });

  it('still fails a value that is not JSON for another reason, at the faulty byte', async () => {
    const text = '{"provider_references":[{"provider_group_id":1,"provider_groups":[' + JSON.stringify(group([A])) + ']}],' +
      '"in_network":[{"billing_code":"1","negotiated_rates":[{"provider_references":[1],"negotiated_prices":[{"negotiated_rate":NaN,"x":1 2}]}]}]}';
    const outcome = await scanBytes(encode(text), { npis: [A] }, { chunkSize: 7 });
    // The '2' after "x":1 (263 bytes before it: text.slice(253, 263) is 'NaN,"x":1 ', checked by hand), past the NaN, which would be tolerated.
    expect(text.indexOf('1 2') + 2).toBe(263);
    expect(outcome.error?.message).toContain('at byte 263 ');
    expect(outcome.error?.message).toContain('(with NaN read as null)');
  });

  it('warns when rates refer to provider groups by id and the file defines none', async () => {
    const rates = [{ provider_references: [1], negotiated_prices: [price(5)] }];
    const warning =
      'negotiated rates refer to provider groups by provider_references id, but the file defines no provider_references, ' +
      'so those rates cannot be matched to any provider (are the references published in a separate file?)';
    for (const document of [
      { in_network: [{ billing_code: '1', negotiated_rates: rates }] },
      { provider_references: [], in_network: [{ billing_code: '1', negotiated_rates: rates }] },
      { in_network: [{ billing_code: '1', negotiated_rates: rates }], provider_references: [] },
    ]) {
      const result = await summary(document, { npis: [A] });
      expect(result.rows).toEqual([]);
      expect(result.warnings).toEqual([warning]);
      // No row can be told to be missing or not: the file's search is incomplete (exit code 1).
      expect(result.mayMissRows).toBe(true);
    }
    // Inline groups only (v1) need no provider_references.
    const inline = { in_network: [{ billing_code: '1', negotiated_rates: [{ provider_groups: [group([A])], negotiated_prices: [price(5)] }] }] };
    expect(await summary(inline, { npis: [A] })).toMatchObject({ rows: ['1 1234567893 11-1000001 5'], warnings: [], mayMissRows: false });
  });

  it('never takes inline groups, or a value ending in "references", for rates that refer to groups by id', async () => {
    // An inline-groups file (v1): no provider_references is needed, so the file is complete.
    const rates = Array.from({ length: 40 }, (_, index) => ({
      provider_groups: [group([index % 2 === 0 ? A : B])],
      negotiated_prices: [price(index, { additional_information: 'see the fee schedule references' })],
    }));
    const document = { in_network: [{ billing_code: '1', description: 'no references', negotiated_rates: rates }] };
    for (const useElementFilter of [true, false]) {
      // Small chunks put rates across chunk edges, where the filter hands them over as "maybe".
      const outcome = await scanBytes(encode(document), { npis: [A] }, { chunkSize: 97, useElementFilter });
      expect(outcome.rows).toHaveLength(20);
      expect(outcome.warnings).toEqual([]);
      expect(outcome.result?.mayMissRows).toBe(false);
    }
  });

  it('warns when provider_references is repeated after in_network, and reads both when they come first', async () => {
    const references = (id: number, tin: string) => JSON.stringify([{ provider_group_id: id, provider_groups: [group([A], tin)] }]);
    const items = (code: string, ids: number[], rate: number) =>
      JSON.stringify([{ billing_code: code, negotiated_rates: [{ provider_references: ids, negotiated_prices: [price(rate)] }] }]);
    const later = await summary(
      `{"provider_references":${references(1, '11-1000001')},"in_network":${items('1', [1, 2], 5)},` +
        `"provider_references":${references(2, '11-1000002')},"in_network":${items('2', [2], 6)}}`,
      { npis: [A] },
    );
    // Group 2 is defined after the item that refers to it: that row is the one missing, and said so.
    expect(later.rows).toEqual(['1 1234567893 11-1000001 5', '2 1234567893 11-1000002 6']);
    expect(later.warnings).toEqual([
      'provider_references appears again after in_network (the key is repeated) and holds wanted provider groups: rates read ' +
        'before it that refer to them are not matched, so rows may be missing',
    ]);
    expect(later.mayMissRows).toBe(true);
    // A repeated block without any wanted group cannot have cost a row.
    const unwanted = await summary(
      `{"provider_references":${references(1, '11-1000001')},"in_network":${items('1', [1, 2], 5)},` +
        `"provider_references":${JSON.stringify([{ provider_group_id: 2, provider_groups: [group([B])] }])}}`,
      { npis: [A] },
    );
    expect(unwanted).toMatchObject({ rows: ['1 1234567893 11-1000001 5'], warnings: [], mayMissRows: false });
    // in_network first and both keys repeated: the second pass reads every in_network value, and
    // rows the first pass already wrote (group 1 in item 2) are not written twice.
    const interleaved = await summary(
      `{"in_network":${items('1', [1, 2], 5)},"provider_references":${references(1, '11-1000001')},` +
        `"in_network":${items('2', [1, 2], 6)},"provider_references":${references(2, '11-1000002')}}`,
      { npis: [A] },
    );
    expect(interleaved).toMatchObject({
      rows: ['1 1234567893 11-1000001 5', '1 1234567893 11-1000002 5', '2 1234567893 11-1000001 6', '2 1234567893 11-1000002 6'],
      mayMissRows: false,
    });
    const first = await summary(
      `{"provider_references":${references(1, '11-1000001')},"provider_references":${references(2, '11-1000002')},` +
        `"in_network":${items('1', [1, 2], 5)},"in_network":${items('2', [2], 6)}}`,
      { npis: [A] },
    );
    expect(first).toMatchObject({ rows: ['1 1234567893 11-1000001 5', '1 1234567893 11-1000002 5', '2 1234567893 11-1000002 6'], warnings: [], mayMissRows: false });
  });

  it('says so whenever a value has another shape than the schema gives it', async () => {
    const document = {
      provider_references: { provider_group_id: 1, provider_groups: group([A]) },
      in_network: [
        7,
        { negotiated_rates: { provider_references: 1, negotiated_prices: { negotiated_rate: 5 } } },
        { billing_code: '2', negotiated_rates: null },
        { billing_code: '3', negotiated_rates: [{ provider_groups: group({ id: A }), negotiated_prices: [price(6)] }] },
      ],
    };
    const result = await summary(document, { npis: [A] });
    expect(result.rows).toEqual([' 1234567893 11-1000001 5']);
    expect(result.warnings).toEqual([
      'provider_references is a single object, read as one entry',
      'provider_groups is a single object, not a list; read as a list of one',
      'in_network[0] is a number, not an in_network item; skipped',
      'negotiated_rates is a single object, read as one rate',
      'negotiated_prices is a single object, not a list; read as a list of one',
      'a negotiated price has no negotiated_type, so what its rate means (dollars, percentage, per diem) is unknown',
      'an in_network item with matching rates has no billing_code; its rows have an empty one',
      'negotiated_rates is null (or true, false), not a list of rates; skipped',
      'provider_groups is a single object, not a list; read as a list of one',
      `npi value {"id":${A}} is an object, not an NPI; ignored`,
    ]);
    const scalar = await summary({ provider_references: [], in_network: 'none' }, { npis: [A] });
    expect(scalar.warnings).toEqual(['in_network is a string, not a list of items: the file holds no rates']);
  });

  it("keeps a bundle's bundled_codes and a capitation item's covered_services in its rows, before or after the rates", async () => {
    const knee = { billing_code_type: 'CPT', billing_code_type_version: '2020', billing_code: '27447', description: 'knee' };
    const visit = { billing_code_type: 'CPT', billing_code: '99213' };
    const document = {
      provider_references: [{ provider_group_id: 1, provider_groups: [group([A])] }],
      in_network: [
        { negotiation_arrangement: 'bundle', billing_code: '81.54', negotiated_rates: [{ provider_references: [1], negotiated_prices: [price(20000)] }], bundled_codes: [knee] },
        { negotiation_arrangement: 'capitation', billing_code: 'CAP', covered_services: [visit], negotiated_rates: [{ provider_references: [1], negotiated_prices: [price(500)] }] },
        { negotiation_arrangement: 'ffs', billing_code: '99213', negotiated_rates: [{ provider_references: [1], negotiated_prices: [price(80)] }] },
      ],
    };
    const outcome = await scanBytes(encode(document), { npis: [A] }, { chunkSize: 7 });
    expect(outcome.rows.map((row) => [row.billing_code, row.bundled_codes, row.covered_services])).toEqual([
      ['81.54', [knee], undefined],
      ['CAP', undefined, [visit]],
      ['99213', undefined, undefined],
    ]);
  });

  it('keeps the rows read so far of an item the document is cut off in', async () => {
    const rate = (value: number) => JSON.stringify({ provider_references: [1], negotiated_prices: [price(value)] });
    const text =
      `{"provider_references":[{"provider_group_id":1,"provider_groups":[${JSON.stringify(group([A]))}]}],` +
      `"in_network":[{"billing_code":"CSTM-00","negotiated_rates":[${rate(1)},${rate(2)},${rate(3)}`;
    const outcome = await scanBytes(encode(text.slice(0, -5)), { npis: [A] }, { chunkSize: 64 });
    expect(outcome.error?.message).toContain('unexpected end of input while reading in_network[0].negotiated_rates');
    // Rates 1 and 2 were whole; the third was cut.
    expect(outcome.rows.map((row) => `${row.billing_code} ${row.negotiated_rate}`)).toEqual(['CSTM-00 1', 'CSTM-00 2']);
  });

  it('matches the provider groups read before the fault when an in_network-first file is cut off in provider_references', async () => {
    const rate = (id: number) => JSON.stringify({ provider_references: [id], negotiated_prices: [price(id * 10)] });
    const reference = (id: number) => JSON.stringify({ provider_group_id: id, provider_groups: [group([A], `11-100000${id}`)] });
    const text =
      `{"in_network":[{"billing_code":"99213","negotiated_rates":[${rate(1)},${rate(2)},${rate(3)}]}],` +
      `"provider_references":[${reference(1)},${reference(2)},${reference(3)}]}`;
    // Cut inside group 3: groups 1 and 2 are whole.
    const cut = text.slice(0, text.lastIndexOf('"provider_groups"'));
    for (const useElementFilter of [true, false]) {
      const outcome = await scanBytes(encode(cut), { npis: [A] }, { chunkSize: 16, useElementFilter });
      expect(outcome.error?.message).toContain('unexpected end of input while reading provider_references[2]');
      expect(outcome.rows.map((row) => `${row.tin.value} ${row.negotiated_rate}`)).toEqual(['11-1000001 10', '11-1000002 20']);
      expect(outcome.logs).toContain(
        'test.json: the file failed after in_network; re-scanning in_network for the provider groups read before the fault',
      );
    }
  });

  it('reads a provider_references entry that carries npi and tin itself, and says when an entry holds no provider', async () => {
    const document = {
      provider_references: [
        { provider_group_id: 1, npi: [A], tin: { type: 'ein', value: '11-1000001' } },
        { provider_group_id: 2, network_name: [`for ${A}`] },
      ],
      in_network: [{ billing_code: '1', negotiated_rates: [{ provider_references: [1, 2], negotiated_prices: [price(5)] }] }],
    };
    expect(await summary(document, { npis: [A] })).toMatchObject({
      rows: ['1 1234567893 11-1000001 5'],
      warnings: [
        'provider_group_id 1 has npi and tin on the entry itself instead of in provider_groups; read as one group',
        'provider_group_id 2 has neither provider_groups nor a location; it holds no provider',
      ],
    });
  });

  it('takes single objects where arrays belong: provider_references, in_network, negotiated_rates, provider_groups', async () => {
    const document = {
      provider_references: { provider_group_id: 1, provider_groups: group(A) },
      in_network: { billing_code: '93000', negotiated_rates: { provider_references: [1], negotiated_prices: [price(24.1)] } },
    };
    const result = await summary(document, { npis: [A] });
    expect(result.rows).toEqual(['93000 1234567893 11-1000001 24.1']);
    expect(result.warnings).toContain('in_network is a single object, read as one item');
  });

  it('reads keys in any order and in other capitalisations, and ignores unknown keys', async () => {
    const text =
      '\ufeff{"In_Network":[{"Negotiated_Rates":[{"negotiated_prices":[{"NEGOTIATED_RATE":5,"negotiated_type":"negotiated"}],' +
      '"Provider_References":[1],"extra":{"deep":[1,2,{"x":"]"}]}}],"Billing_Code":"X1","unknown":[]}],' +
      `"provider_references":[{"Provider_Group_Id":1,"Provider_Groups":[{"NPI":[${A}],"TIN":{"type":"ein","value":"1"}}]}]}`;
    const result = await summary(text, { npis: [A] });
    expect(result.rows).toEqual(['X1 1234567893 1 5']);
    expect(result.warnings).toContain('non-standard key NPI (expected npi)');
  });

  it('reads keys written in camelCase or with stray spaces, as the schema names them', async () => {
    const text =
      `{"providerReferences":[{"providerGroupId":1,"provider_groups ":[{"npi ":[${A}],"tin":{"type":"ein","value":"11-1000001"}}]},` +
      `{"provider_group_id ":2,"provider_groups":[{"npi":[${A}],"tin":{"type":"ein","value":"11-1000003"}}]}],` +
      '"inNetwork":[{"billingCode":"X2","negotiatedRates":[{"providerReferences":[1],"negotiated_prices ":[{"negotiatedRate":7,"negotiated_type":"negotiated"}]}]},' +
      '{"billing_code":"X3","negotiated_rates ":[{"provider_references":[1],"negotiated_prices":[{"negotiated_rate":8,"negotiated_type":"negotiated"}]},' +
      '{"provider_references ":[1],"negotiated_prices":[{"negotiated_rate":9,"negotiated_type":"negotiated"}]},' +
      '{"provider_references  ":2,"negotiated_prices":[{"negotiated_rate":10,"negotiated_type":"negotiated"}]},' +
      `{"provider_groups ":[{"npi":[${A}],"tin":{"type":"ein","value":"11-1000002"}}],"negotiated_prices":[{"negotiated_rate":11,"negotiated_type":"negotiated"}]}]}]}`;
    for (const useElementFilter of [true, false]) {
      const outcome = await scanBytes(encode(text), { npis: [A] }, { chunkSize: 13, useElementFilter });
      if (outcome.error) throw outcome.error;
      expect(outcome.rows.map((row) => `${row.billing_code} ${row.npi} ${row.negotiated_rate}`)).toEqual([
        'X2 1234567893 7',
        'X3 1234567893 8',
        'X3 1234567893 9',
        'X3 1234567893 10',
        'X3 1234567893 11',
      ]);
      expect(outcome.warnings).toContain('non-standard key "npi " (expected npi)');
    }
  });

  it('finds an NPI published only as its group\'s TIN (type npi), and an EIN whose leading zero a JSON number lost', async () => {
    const document = {
      provider_references: [
        { provider_group_id: 1, provider_groups: [{ npi: [0], tin: { type: 'npi', value: String(A) } }] },
        { provider_group_id: 2, provider_groups: [{ tin: { type: 'NPI', value: A } }] },
        // An EIN 01-2345678 written as a number: 12345678.
        { provider_group_id: 3, provider_groups: [{ npi: [B], tin: { type: 'ein', value: 12345678 } }] },
        // Another NPI's TIN of type npi is not A.
        { provider_group_id: 4, provider_groups: [{ npi: [0], tin: { type: 'npi', value: String(C) } }] },
      ],
      in_network: [
        {
          billing_code: '1',
          negotiated_rates: [1, 2, 3, 4].map((id) => ({ provider_references: [id], negotiated_prices: [price(id)] })),
        },
      ],
    };
    expect((await summary(document, { npis: [A] })).rows).toEqual(['1 1234567893 1234567893 1', '1 1234567893 1234567893 2']);
    expect((await summary(document, { tins: ['01-2345678'] })).rows).toEqual(['1 1245319599 12345678 3']);
  });

  it('splits codes written together in one element of a list, and keeps additional_information that is an object as its JSON', async () => {
    const document = {
      provider_references: [{ provider_group_id: 1, provider_groups: [group([A])] }],
      in_network: [
        {
          billing_code: '1',
          negotiated_rates: [
            { provider_references: [1], negotiated_prices: [price(5, { service_code: ['11, 22', '81'], additional_information: { note: 'per visit', cap: [1, 2] } })] },
          ],
        },
      ],
    };
    const outcome = await scanBytes(encode(document), { npis: [A] });
    expect(outcome.rows.map((row) => [row.service_code, row.additional_information])).toEqual([[['11', '22', '81'], '{"note":"per visit","cap":[1,2]}']]);
  });

  it('keeps only the billing codes asked for with --code', async () => {
    const document = {
      provider_references: [{ provider_group_id: 1, provider_groups: [group([A])] }],
      in_network: [
        { billing_code_type: 'CPT', billing_code: '99213', negotiated_rates: [{ provider_references: [1], negotiated_prices: [price(1)] }] },
        { billing_code_type: 'CPT', billing_code: '99214', negotiated_rates: [{ provider_references: [1], negotiated_prices: [price(2)] }] },
        { negotiated_rates: [{ provider_references: [1], negotiated_prices: [price(3)] }], billing_code: '99213', billing_code_type: 'HCPCS' },
      ],
    };
    expect((await summary(document, { npis: [A], codes: ['CPT:99213'] })).rows).toEqual(['99213 1234567893 11-1000001 1']);
    expect((await summary(document, { npis: [A], codes: ['99213'] })).rows).toEqual([
      '99213 1234567893 11-1000001 1',
      '99213 1234567893 11-1000001 3',
    ]);
  });

  it('finds TIN-only contracts (npi [0]) by TIN, with or without the dash', async () => {
    const document = {
      provider_references: [{ provider_group_id: 1, provider_groups: [{ npi: [0], tin: { type: 'ein', value: '111000009' } }] }],
      in_network: [{ billing_code: '99214', negotiated_rates: [{ provider_references: [1], negotiated_prices: [price(120)] }] }],
    };
    expect((await summary(document, { tins: ['11-1000009'] })).rows).toEqual(['99214 0 111000009 120']);
    expect((await summary(document, { npis: [A] })).rows).toEqual([]);
  });

  it('writes identical rows once with a count, and keeps rows that differ in any price field', async () => {
    const document = {
      provider_references: [{ provider_group_id: 1, provider_groups: [group([A])] }, { provider_group_id: 2, provider_groups: [group([A])] }],
      in_network: [
        {
          billing_code: '45378',
          negotiated_rates: [
            { provider_references: [1, 2], negotiated_prices: [price(64)] },
            { provider_references: [1], negotiated_prices: [price(64), price(64, { billing_code_modifier: ['26'] })] },
          ],
        },
      ],
    };
    const outcome = await scanBytes(encode(document), { npis: [A] });
    expect(outcome.rows.map((row) => [row.negotiated_rate, row.billing_code_modifier, row.occurrences])).toEqual([
      [64, [], 3],
      [64, ['26'], 1],
    ]);
  });

  it('writes rows that differ only in how the TIN is written once, as first published (BUG-07: the dash counts only when shown)', async () => {
    const tins = [
      { type: 'ein', value: '11-1000002' },
      { type: 'ein', value: '111000002' },
      { type: 'EIN', value: ' 11-1000002' },
      { type: 'npi', value: '111000002' },
    ];
    const document = {
      provider_references: tins.map((tin, index) => ({ provider_group_id: index + 1, provider_groups: [{ npi: [A], tin }] })),
      in_network: [{ billing_code: '1', negotiated_rates: [{ provider_references: [1, 2, 3, 4], negotiated_prices: [price(5)] }] }],
    };
    const outcome = await scanBytes(encode(document), { npis: [A] });
    // The npi-typed TIN is another identifier, so it stays a row of its own.
    expect(outcome.rows.map((row) => `${row.tin.type} ${row.tin.value} ${row.occurrences}`)).toEqual(['ein 11-1000002 3', 'npi 111000002 1']);
  });

  it('gives rows the item fields that come after the rates, and writes a row an item split in two repeats once', async () => {
    const rates = (rate: number) => [{ provider_references: [1], negotiated_prices: [price(rate)] }];
    const document = {
      provider_references: [{ provider_group_id: 1, provider_groups: [group([A])] }],
      in_network: [
        // The code before the rates, the rest of the item after them.
        { billing_code: '99213', negotiated_rates: rates(80), billing_code_type: 'CPT', description: 'Visit', name: 'N', negotiation_arrangement: 'ffs' },
        // The same item again (a code split over two entries): its rate 80 row is the one above.
        { billing_code_type: 'CPT', billing_code: '99213', description: 'Visit', name: 'N', negotiation_arrangement: 'ffs', negotiated_rates: [...rates(80), ...rates(81)] },
        // Only the description differs: another row.
        { negotiation_arrangement: 'ffs', negotiated_rates: rates(80), billing_code: '99213', billing_code_type: 'CPT', description: 'Visit, long', name: 'N' },
      ],
    };
    const outcome = await scanBytes(encode(document), { npis: [A] }, { chunkSize: 7 });
    expect(outcome.rows.map((row) => [row.billing_code_type, row.billing_code, row.billing_code_description, row.name, row.negotiation_arrangement, row.negotiated_rate, row.occurrences])).toEqual([
      ['CPT', '99213', 'Visit', 'N', 'ffs', 80, 1],
      ['CPT', '99213', 'Visit', 'N', 'ffs', 81, 1],
      ['CPT', '99213', 'Visit, long', 'N', 'ffs', 80, 1],
    ]);
  });

  it('points a JSON error inside a matching rate at the faulty byte, and names where the rate starts', async () => {
    const text =
      '{"provider_references":[{"provider_group_id":1,"provider_groups":[{"npi":[1234567893],"tin":{"type":"ein","value":"1"}}]}],' +
      '"in_network":[{"billing_code":"1","negotiated_rates":[{"provider_references":[1],"negotiated_prices":[{"negotiated_rate":5,}]}]}]}';
    const outcome = await scanBytes(encode(text), { npis: [A] }, { chunkSize: 7 });
    const rateStart = text.indexOf('{"provider_references":[1]');
    const fault = text.indexOf(',}') + 1; // JSON.parse stops at the '}' where a key should be
    // The middle is V8's own wording, which differs between Node versions.
    expect(outcome.error?.message).toMatch(/^test\.json: invalid JSON \(/);
    expect(outcome.error?.message).toContain(
      `; the value it is in starts at byte ${rateStart}) at byte ${fault} (decompressed) in in_network[0].negotiated_rates[0]`,
    );
  });

  it('finds a TIN-level group by --tin whatever stands in for its NPIs (missing, null, [], [null], [""]), as NPI 0', async () => {
    const tinOnly = (npi: unknown) => (npi === undefined ? { tin: { type: 'ein', value: '11-1000001' } } : group(npi));
    const npiForms = [undefined, null, [], [null], [''], [0]];
    const document = {
      provider_references: npiForms.map((npi, index) => ({ provider_group_id: index + 1, provider_groups: [tinOnly(npi)] })),
      in_network: [
        {
          billing_code: '99213',
          negotiated_rates: [
            ...npiForms.map((_, index) => ({ provider_references: [index + 1], negotiated_prices: [price(index + 1)] })),
            { provider_groups: [tinOnly(null)], negotiated_prices: [price(10)] },
            { provider_groups: [group([A], '11-1000002')], negotiated_prices: [price(11)] },
          ],
        },
      ],
    };
    const result = await summary(document, { tins: ['111000001'] });
    expect(result.rows).toEqual([
      '99213 0 11-1000001 1',
      '99213 0 11-1000001 10',
      '99213 0 11-1000001 2',
      '99213 0 11-1000001 3',
      '99213 0 11-1000001 4',
      '99213 0 11-1000001 5',
      '99213 0 11-1000001 6',
    ]);
  });

  it('reads a references list of entry objects ([{"provider_group_id": 4}]) by their ids, through the byte filter too', async () => {
    const document = {
      provider_references: [{ provider_group_id: 4, provider_groups: [group([A])] }, { provider_group_id: 14, provider_groups: [group([B])] }],
      in_network: [
        {
          billing_code: '99213',
          negotiated_rates: [
            { provider_references: [{ provider_group_id: 4 }], negotiated_prices: [price(80)] },
            { provider_references: [{ Provider_Group_Id: '14' }, { provider_group_id: 9 }], negotiated_prices: [price(81)] },
            { provider_references: [{ id: 4 }], negotiated_prices: [price(82)] },
          ],
        },
      ],
    };
    for (const useElementFilter of [true, false]) {
      const outcome = await scanBytes(encode(document), { npis: [A, B] }, { chunkSize: 7, useElementFilter });
      expect(outcome.rows.map((row) => `${row.npi} ${row.negotiated_rate}`).sort()).toEqual(['1234567893 80', '1245319599 81']);
      expect([...new Set(outcome.warnings)]).toEqual([
        'provider_references holds objects instead of group ids; the provider_group_id of each is read',
        'non-standard key Provider_Group_Id (expected provider_group_id)',
        'provider_references value {"id":4} is an object without a provider_group_id; ignored',
      ]);
    }
  });

  it('fails a negotiated_rates list with a missing or doubled comma at the faulty byte, with or without the byte filter', async () => {
    const rate = (value: number) => JSON.stringify({ provider_references: [1], negotiated_prices: [price(value)] });
    const head = `{"provider_references":${JSON.stringify([{ provider_group_id: 1, provider_groups: [group([A])] }])},"in_network":[{"billing_code":"1","negotiated_rates":`;
    // Each: the list, a piece of text that starts at the fault (or one byte before it), the problem.
    const cases: Array<[string, string, number, string]> = [
      [`[${rate(1)} ${rate(2)}]`, ` ${rate(2)}`, 1, "expected ',' or ']' but found '{'"],
      [`[${rate(1)},\n ,${rate(2)}]`, `,${rate(2)}`, 0, "expected a JSON value but found ','"],
      [`[ ,${rate(1)}]`, `,${rate(1)}`, 0, "expected a JSON value but found ','"],
      [`[${rate(1)},]`, ',]', 1, "expected a JSON value but found ']'"],
    ];
    for (const [list, fromFault, skip, problem] of cases) {
      const text = `${head}${list}}]}`;
      const fault = text.lastIndexOf(fromFault) + skip;
      for (const useElementFilter of [true, false]) {
        const outcome = await scanBytes(encode(text), { npis: [A] }, { useElementFilter });
        expect(outcome.error?.message, `${list} ${useElementFilter}`).toContain(`${problem} at byte ${fault} (decompressed) in in_network[0].negotiated_rates`);
      }
    }
    // Valid lists stay valid: scalars among the rates, any whitespace around the commas, and a
    // second item's list read in the same window of the filter as the first (its '[' in sight).
    const valid = `${head}[ "note" , ${rate(1)}\r\n,\t${rate(2)} , 5 ]},{"billing_code":"2","negotiated_rates":[${rate(3)},${rate(4)}]},{"billing_code":"3","negotiated_rates":[ \n${rate(5)}]}]}`;
    for (const useElementFilter of [true, false]) {
      for (const chunkSize of [1 << 20, 7, 64]) {
        const outcome = await scanBytes(encode(valid), { npis: [A] }, { useElementFilter, chunkSize });
        expect(outcome.error).toBeUndefined();
        expect(outcome.rows.map((row) => row.negotiated_rate)).toEqual([1, 2, 3, 4, 5]);
      }
    }
  });

  it('reads every copy of a key an object repeats (npi, negotiated_prices, provider_groups) instead of only the last', async () => {
    const text =
      '{"provider_references":[{"provider_group_id":1,"provider_groups":[{"npi":[' + A + '],"npi":[' + B + '],"tin":{"type":"ein","value":"11-1000001"}}]}],' +
      '"in_network":[{"billing_code":"1","negotiated_rates":[' +
      `{"provider_references":[1],"negotiated_prices":[${JSON.stringify(price(1))}],"negotiated_prices":[${JSON.stringify(price(2))}]},` +
      `{"provider_groups":[${JSON.stringify(group([C]))}],"provider_groups":[${JSON.stringify(group([A], '11-1000002'))}],"negotiated_prices":[${JSON.stringify(price(3))}]},` +
      `{"provider_groups":[{"npi":[${C}],"npi":[${B}],"tin":{"type":"ein","value":"11-1000003"}}],"negotiated_prices":[${JSON.stringify(price(4))}]}` +
      ']}]}';
    for (const useElementFilter of [true, false]) {
      const outcome = await scanBytes(encode(text), { npis: [A, B, C] }, { useElementFilter });
      expect(outcome.error).toBeUndefined();
      expect(outcome.rows.map((row) => `${row.npi} ${row.tin.value} ${row.negotiated_rate}`).sort()).toEqual([
        '1003000126 11-1000001 3',
        '1003000126 11-1000003 4',
        '1234567893 11-1000001 1',
        '1234567893 11-1000001 2',
        '1234567893 11-1000002 3',
        '1245319599 11-1000001 1',
        '1245319599 11-1000001 2',
        '1245319599 11-1000003 4',
      ]);
      expect(outcome.warnings.filter((warning) => warning.includes('repeats the key'))).toEqual([
        'provider_references[0] (from byte 24) repeats the key npi in one object; the values of every copy are read (lists joined), not only the last',
        `in_network[0].negotiated_rates[0] (from byte ${text.indexOf('{"provider_references":[1]')}) repeats the key negotiated_prices in one object; the values of every copy are read (lists joined), not only the last`,
        `in_network[0].negotiated_rates[1] (from byte ${text.indexOf('{"provider_groups":[{"npi":[' + C)}) repeats the key provider_groups in one object; the values of every copy are read (lists joined), not only the last`,
        `in_network[0].negotiated_rates[2] (from byte ${text.lastIndexOf('{"provider_groups":[{"npi":[' + C)}) repeats the key npi in one object; the values of every copy are read (lists joined), not only the last`,
      ]);
    }
  });

  it('warns when a matched price repeats a single value (negotiated_rate twice) and uses the last, with or without the rate filter', async () => {
    const text =
      `{"provider_references":[{"provider_group_id":1,"provider_groups":[${JSON.stringify(group([A]))}]}],` +
      '"in_network":[{"billing_code":"99213","negotiated_rates":[' +
      '{"provider_references":[1],"negotiated_prices":[{"negotiated_type":"negotiated","negotiated_rate":88.5,"negotiated_rate":99.5,' +
      '"expiration_date":"9999-12-31","billing_class":"professional","billing_class":"professional"}]}]}]}';
    const rateAt = text.indexOf('{"provider_references":[1]');
    for (const useElementFilter of [true, false]) {
      const outcome = await scanBytes(encode(text), { npis: [A] }, { useElementFilter });
      expect(outcome.rows.map((row) => row.negotiated_rate)).toEqual([99.5]);
      // billing_class repeats the same value: nothing is lost, nothing is said.
      expect(outcome.warnings).toEqual([
        `in_network[0].negotiated_rates[0].negotiated_prices[0] (in the value from byte ${rateAt}) repeats the key negotiated_rate with different values (88.5, then 99.5); ` +
          'the last is used, as JSON readers do: report the file to its publisher',
      ]);
    }
  });

  it('matches a rate by its own provider_references when an object inside it holds the key too, before or after', async () => {
    const references = [{ provider_group_id: 1, provider_groups: [group([A])] }, { provider_group_id: 2, provider_groups: [group([B])] }];
    const rates = [
      `{"other_info":{"provider_references":[2]},"provider_references":[1],"negotiated_prices":[${JSON.stringify(price(50))}]}`,
      `{"other_info":{"provider_references":[]},"provider_references":[1],"negotiated_prices":[${JSON.stringify(price(51))}]}`,
      `{"provider_references":[1],"other_info":{"provider_references":[7]},"negotiated_prices":[${JSON.stringify(price(52))}]}`,
      `{"other_info":{"provider_references":[1]},"provider_references":[2],"negotiated_prices":[${JSON.stringify(price(53))}]}`,
    ];
    const inNetwork = `[{"billing_code":"99213","negotiated_rates":[${rates.join(',')}]}]`;
    for (const text of [
      `{"provider_references":${JSON.stringify(references)},"in_network":${inNetwork}}`,
      `{"in_network":${inNetwork},"provider_references":${JSON.stringify(references)}}`,
    ]) {
      for (const useElementFilter of [true, false]) {
        const outcome = await scanBytes(encode(text), { npis: [A] }, { useElementFilter });
        // The last rate is group 2's: the 1 inside other_info is not a reference of the rate.
        expect(outcome.rows.map((row) => row.negotiated_rate)).toEqual([50, 51, 52]);
      }
    }
  });

  it('reads strings holding raw control characters (tab, NUL, 0x01) as if escaped, with a warning, instead of failing the file', async () => {
    const rate = (value: number, information = 'none') =>
      `{"provider_references":[1],"negotiated_prices":[${JSON.stringify(price(value, { additional_information: information })).replace('none', information)}]}`;
    const text =
      `{"provider_references":${JSON.stringify([{ provider_group_id: 1, provider_groups: [group([A])] }])},"in_network":[` +
      `{"billing_code":"1","description":"Office\tvisit","negotiated_rates":[${rate(1)}]},` +
      `{"billing_code":"2","description":"Raw\ttab","negotiated_rates":[${rate(2, 'see\u0000note\u0001')}]},` +
      `{"billing_code":"3","negotiated_rates":[${rate(3)}]}]}`;
    // The description of item 2 holds a real tab byte, its rate's additional_information a NUL and a 0x01.
    const bytes = encode(text.replace('Raw\\ttab', 'Raw\ttab').replace('see\\u0000note\\u0001', 'see\u0000note\u0001'));
    for (const useElementFilter of [true, false]) {
      const outcome = await scanBytes(bytes, { npis: [A] }, { useElementFilter, chunkSize: 16 });
      expect(outcome.error).toBeUndefined();
      expect(outcome.rows.map((row) => [row.billing_code, row.billing_code_description, row.additional_information ?? null, row.negotiated_rate])).toEqual([
        ['1', 'Office\tvisit', 'none', 1],
        ['2', 'Raw\ttab', 'see\u0000note\u0001', 2],
        ['3', null, 'none', 3],
      ]);
      // Item 0's description holds a real tab too: the template literal turns its \t into one.
      expect(outcome.warnings).toEqual([
        `in_network[0].description (from byte ${text.indexOf('"Office')}) holds a raw tab character inside a string, which JSON does not allow; read as if it were escaped`,
        `in_network[1].description (from byte ${text.indexOf('"Raw')}) holds a raw tab character inside a string, which JSON does not allow; read as if it were escaped`,
        `in_network[1].negotiated_rates[0] (from byte ${text.indexOf('{"provider_references":[1],"negotiated_prices":[{"negotiated_type":"negotiated","negotiated_rate":2')}) holds a raw NUL character inside a string, which JSON does not allow; read as if it were escaped`,
      ]);
    }
  });

  it('reads an item field written as a list (billing_code ["99217"]) as its value, and --code finds it', async () => {
    const document = {
      provider_references: [{ provider_group_id: 1, provider_groups: [group([A])] }],
      in_network: [
        {
          billing_code: ['99217'],
          billing_code_type: ['CPT'],
          description: ['Observation care', 'discharge'],
          negotiated_rates: [{ provider_references: [1], negotiated_prices: [price(40)] }],
        },
      ],
    };
    for (const codes of [[], ['CPT:99217']]) {
      const outcome = await scanBytes(encode(document), { npis: [A], codes });
      expect(outcome.rows.map((row) => [row.billing_code_type, row.billing_code, row.billing_code_description, row.negotiated_rate])).toEqual([
        ['CPT', '99217', 'Observation care', 40],
      ]);
      expect(outcome.warnings).toEqual([
        'billing_code is a list of one value; read as that value',
        'billing_code_type is a list of one value; read as that value',
        'description holds 2 values (["Observation care","discharge"]); the first is used',
      ]);
    }
  });

  it('says what an item field holds when it is an object instead of text, once per field, and still reports the rate', async () => {
    const item = (code: unknown, rate: number) => ({
      billing_code: code,
      billing_code_type: 'CPT',
      description: { text: 'Office visit' },
      negotiated_rates: [{ provider_references: [1], negotiated_prices: [price(rate)] }],
    });
    const document = {
      provider_references: [{ provider_group_id: 1, provider_groups: [group([A])] }],
      in_network: [item({ code: '99213' }, 90), item([{ code: '99214' }], 95), item('99215', 99)],
    };
    const outcome = await scanBytes(encode(document), { npis: [A] });
    expect(outcome.rows.map((row) => [row.billing_code, row.billing_code_description, row.negotiated_rate])).toEqual([
      ['', null, 90],
      ['', null, 95],
      ['99215', null, 99],
    ]);
    expect(outcome.warnings).toEqual([
      'an in_network item\'s billing_code is an object ({"code":"99213"}), not text; it is read as empty in every item where it is',
      'an in_network item\'s description is an object ({"text":"Office visit"}), not text; it is read as empty in every item where it is',
      // Not also "has no billing_code": what it has was said.
    ]);
  });

  it('reads a file with Windows-1252 bytes (é as E9, – as 96) as Windows-1252, with one warning, instead of as U+FFFD', async () => {
    const text =
      `{"reporting_entity_name":"Test Payer \u00e9","provider_references":${JSON.stringify([{ provider_group_id: 1, provider_groups: [group([A])] }])},` +
      `"in_network":[{"billing_code":"1","description":"Caf\u00e9 visit \u2013 new","negotiated_rates":[{"provider_references":[1],"negotiated_prices":[${JSON.stringify(price(5))}]}]}]}`;
    // Written as Windows-1252: é is the one byte E9, the dash the one byte 96.
    const bytes = Uint8Array.from(text, (character) => (character === '\u2013' ? 0x96 : character.charCodeAt(0)));
    const outcome = await scanBytes(bytes, { npis: [A] });
    expect(outcome.error).toBeUndefined();
    expect(outcome.rows.map((row) => row.billing_code_description)).toEqual(['Caf\u00e9 visit \u2013 new']);
    expect(outcome.warnings).toEqual([
      `the file is not valid UTF-8 (byte 0xE9 at byte ${text.indexOf('\u00e9')} (decompressed), in reporting_entity_name); such values are read as Windows-1252 (Latin-1), which files with these bytes usually are: check names and descriptions`,
    ]);
  });

  it('warns when an item repeats a field such as billing_code, and uses the last value as JSON.parse would', async () => {
    const references = JSON.stringify([{ provider_group_id: 1, provider_groups: [group([A])] }]);
    const text =
      `{"provider_references":${references},"in_network":[{"billing_code":"99213","billing_code":"99214",` +
      `"negotiated_rates":[{"provider_references":[1],"negotiated_prices":[${JSON.stringify(price(5))}]}]},` +
      `{"billing_code":"99215","negotiated_rates":[{"provider_references":[1],"negotiated_prices":[${JSON.stringify(price(6))}]}]}]}`;
    const outcome = await scanBytes(encode(text), { npis: [A] });
    expect(outcome.rows.map((row) => `${row.billing_code} ${row.negotiated_rate}`)).toEqual(['99214 5', '99215 6']);
    expect(outcome.warnings).toEqual(['an in_network item has billing_code twice; the last value ("99214") is used']);
  });

  it('warns when a rate of a searched provider has no negotiated_prices, instead of dropping it without a word', async () => {
    const document = {
      provider_references: [{ provider_group_id: 1, provider_groups: [group([A])] }, { provider_group_id: 2, provider_groups: [group([B])] }],
      in_network: [
        {
          billing_code: '1',
          negotiated_rates: [
            { provider_references: [1], negotiated_prices: [] },
            { provider_references: [1] },
            { provider_references: [2], negotiated_prices: null },
            { provider_references: [1], negotiated_prices: [price(9)] },
          ],
        },
      ],
    };
    const outcome = await scanBytes(encode(document), { npis: [A] });
    expect(outcome.rows.map((row) => row.negotiated_rate)).toEqual([9]);
    // Group 2's rate is not the searched provider's: it never reaches the rows.
    expect(outcome.warnings).toEqual([
      'a rate for a searched provider has no negotiated_prices (missing, null or empty); it gives no row',
      'a rate for a searched provider has no negotiated_prices (missing, null or empty); it gives no row',
    ]);
  });
});
