import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MatchedGroup } from '../../src/match/provider-group.js';
import type { ItemHeader } from '../../src/match/rate-matcher.js';
import { ItemRows } from '../../src/match/item-rows.js';
import { ADMITTED, MADE_BY_EARLIER_ITEM, RowDeduper } from '../../src/match/row-dedupe.js';
import { addRateRows, itemParts, type ItemParts } from '../../src/match/row-lines.js';
import { SpillFile } from '../../src/match/spill-file.js';
import type { RateRow } from '../../src/search/rate-row.js';

const fullHeader: ItemHeader = {
  billing_code: '99213',
  billing_code_type: 'CPT',
  billing_code_type_version: '2025',
  description: 'Office visit, "established"',
  name: 'Visit',
  negotiation_arrangement: 'ffs',
};
const bareHeader: ItemHeader = { billing_code: null, billing_code_type: null, description: null, negotiation_arrangement: null };

const groupWithNetwork: MatchedGroup = {
  npis: [1234567893, 1003000126],
  tin: { type: 'ein', value: '12-3456789', business_name: 'Clinic' },
  networkNames: ['Gold', 'Silver'],
};
const bareGroup: MatchedGroup = { npis: [1234567893], tin: { type: null, value: null } };

const fullPrice = {
  negotiated_type: 'negotiated',
  negotiated_rate: '$1,200.50',
  expiration_date: '2026-12-31',
  service_code: ['11', 'CSTM-00'],
  billing_class: 'professional',
  setting: 'outpatient',
  billing_code_modifier: '26',
  additional_information: 'note\nwith "quotes" and ü',
};
const barePrice = { negotiated_rate: 'n/a' };

/** The row as the scanner built it field by field before lines were assembled from parts. */
function expectedRow(header: ItemHeader, group: MatchedGroup, npi: number, price: Record<string, unknown>): RateRow {
  const isFull = price === fullPrice;
  return {
    source_file: 'plan "a".json',
    npi,
    tin: group.tin,
    billing_code_type: header.billing_code_type,
    billing_code: header.billing_code ?? '',
    billing_code_description: header.description,
    negotiation_arrangement: header.negotiation_arrangement,
    negotiated_rate: isFull ? 1200.5 : null,
    negotiated_type: isFull ? 'negotiated' : null,
    billing_class: isFull ? 'professional' : null,
    setting: isFull ? 'outpatient' : undefined,
    expiration_date: isFull ? '2026-12-31' : null,
    service_code: isFull ? ['11', 'CSTM-00'] : [],
    billing_code_modifier: isFull ? ['26'] : [],
    network_name: group.networkNames,
    billing_code_type_version: header.billing_code_type_version,
    name: header.name,
    service_code_wildcard: isFull ? true : undefined,
    additional_information: isFull ? fullPrice.additional_information : undefined,
    occurrences: 1,
  };
}

/** Every line of a finished item, checking each block's count against its lines. */
function finishedLines(rows: ItemRows, item: ItemParts): string[] {
  const lines: string[] = [];
  for (let block = rows.finishNext(item); block !== undefined; block = rows.finishNext(item)) {
    const blockLines = Buffer.from(block.bytes).toString('utf8').split('\n').slice(0, -1);
    expect(blockLines).toHaveLength(block.count);
    lines.push(...blockLines);
  }
  return lines;
}

function linesOf(header: ItemHeader, groups: MatchedGroup[], prices: unknown[]): { lines: string[]; warnings: string[] } {
  const warnings: string[] = [];
  const rows = new ItemRows(new RowDeduper());
  addRateRows({ negotiated_prices: prices }, groups, (message) => warnings.push(message), rows);
  return { lines: finishedLines(rows, itemParts('plan "a".json', header)), warnings };
}

describe('addRateRows', () => {
  it('writes each row as JSON.stringify writes the row object, fields in output order', () => {
    for (const header of [fullHeader, bareHeader]) {
      const { lines } = linesOf(header, [groupWithNetwork, bareGroup], [fullPrice, 'not a price', barePrice]);
      const expected = [groupWithNetwork, bareGroup].flatMap((group) =>
        group.npis.flatMap((npi) => [fullPrice, barePrice].map((price) => JSON.stringify(expectedRow(header, group, npi, price)))),
      );
      expect(lines).toEqual(expected);
    }
  });

  it('escapes text as JSON.stringify does: quotes, backslashes, control characters, lone surrogates', () => {
    const awkward = ['a"b', 'back\\slash', 'tab\tnew\nline\u0001', 'lone \ud800 surrogate', 'pair 😀', 'plain'];
    const price = { ...fullPrice, negotiated_type: awkward[0], billing_class: awkward[1], setting: awkward[2], expiration_date: awkward[3], service_code: awkward, additional_information: awkward[4] };
    const { lines } = linesOf(fullHeader, [bareGroup], [price]);
    const row = JSON.parse(lines[0]) as RateRow;
    expect(lines[0]).toBe(JSON.stringify(row));
    expect(row.service_code).toEqual(awkward);
  });

  it('warns about an unreadable rate once per price, not once per row', () => {
    const { lines, warnings } = linesOf(fullHeader, [groupWithNetwork], [barePrice]);
    expect(lines).toHaveLength(2);
    expect(warnings).toEqual([
      'negotiated_rate "n/a" is not a number; reported as null',
      'a negotiated price has no negotiated_type, so what its rate means (dollars, percentage, per diem) is unknown',
    ]);
  });

  it('names a rate too large for a number (1e400 reads as Infinity) in its warning, not as null', () => {
    const huge = JSON.parse('{"negotiated_type":"negotiated","negotiated_rate":1e400,"expiration_date":"9999-12-31"}') as Record<string, unknown>;
    const { lines, warnings } = linesOf(fullHeader, [bareGroup], [huge]);
    expect((JSON.parse(lines[0]) as RateRow).negotiated_rate).toBeNull();
    expect(warnings).toEqual(['negotiated_rate is a number too large to hold (beyond 1.8e308, such as 1e400); reported as null']);
  });

  it('reads no price when no group has an NPI to report', () => {
    const { lines, warnings } = linesOf(fullHeader, [{ ...bareGroup, npis: [] }], [barePrice]);
    expect(lines).toEqual([]);
    expect(warnings).toEqual([]);
  });
});

describe('ItemRows', () => {
  function itemRows(deduper: RowDeduper, header: ItemHeader, prices: unknown[]): string[] {
    const rows = new ItemRows(deduper);
    addRateRows({ negotiated_prices: prices }, [bareGroup], () => {}, rows);
    return finishedLines(rows, itemParts('f.json', header));
  }

  it('keeps a row an item repeats once, counting it in occurrences', () => {
    const lines = itemRows(new RowDeduper(), fullHeader, [fullPrice, barePrice, { ...fullPrice }, fullPrice]);
    expect(lines.map((line) => (JSON.parse(line) as RateRow).occurrences)).toEqual([3, 1]);
    expect(lines[0]).toMatch(/,"occurrences":3}$/);
    expect(itemRows(new RowDeduper(), fullHeader, [])).toEqual([]);
  });

  it('drops a row an earlier item of the file already produced', () => {
    const deduper = new RowDeduper();
    expect(itemRows(deduper, fullHeader, [fullPrice])).toHaveLength(1);
    expect(itemRows(deduper, fullHeader, [fullPrice, fullPrice, barePrice])).toHaveLength(1);
    expect(itemRows(deduper, bareHeader, [fullPrice])).toHaveLength(1);
  });
});

describe('ItemRows of a very large item', () => {
  it('moves rows past 8 MiB to a temporary file, writes the same lines from it, and deletes it on close', () => {
    const tempRoot = mkdtempSync(join(tmpdir(), 'item-rows-test-'));
    const spill = new SpillFile('item-rows.bin', tempRoot);
    const rows = new ItemRows(new RowDeduper(), spill);
    const inMemory = new ItemRows(new RowDeduper());
    // 60,000 different prices make over 8 MiB of row pieces: the first 8 MiB go to the file as one
    // run. The last price repeats within the rows still in memory, the first across the two runs.
    const prices: unknown[] = Array.from({ length: 60_000 }, (_, i) => ({ ...fullPrice, negotiated_rate: i }));
    prices.push(prices[59_999], prices[0]);
    addRateRows({ negotiated_prices: prices }, [bareGroup], () => {}, rows);
    addRateRows({ negotiated_prices: prices }, [bareGroup], () => {}, inMemory);
    const [folder] = readdirSync(tempRoot);
    expect(folder).toMatch(/^npi-rates-rows-/);
    expect(statSync(join(tempRoot, folder, 'item-rows.bin')).size).toBeGreaterThan(8_000_000);

    const lines = finishedLines(rows, itemParts('f.json', fullHeader));
    const expected = finishedLines(inMemory, itemParts('f.json', fullHeader));
    expect(lines).toHaveLength(60_000);
    expect(expected).toHaveLength(60_000);
    const rates = lines.map((line) => JSON.parse(line) as RateRow);
    expect(rates.map((row) => row.negotiated_rate)).toEqual(Array.from({ length: 60_000 }, (_, i) => i));
    expect(rates[59_999].occurrences).toBe(2);
    // The repeat of the first price lies in the second run: it still counts.
    expect(rates[0].occurrences).toBe(2);
    expect(lines).toEqual(expected);

    spill.close();
    expect(readdirSync(tempRoot)).toEqual([]);
  });
});

describe('SpillFile', () => {
  it('answers false and says why when no temporary file can be made, so the caller keeps the data in memory', () => {
    const missing = join(tmpdir(), 'npi-rates-no-such-folder', 'deeper');
    const spill = new SpillFile('rows.bin', missing);
    expect(spill.write(new Float64Array(4), 0)).toBe(false);
    expect(spill.failure).toBe(`ENOENT in ${missing}`);
    expect(spill.write(new Float64Array(4), 0)).toBe(false);
    spill.close();
  });
});

describe('RowDeduper', () => {
  it('checks the rows of an item written as many entries against a set once it has more than 16 runs, with the same answers', () => {
    const deduper = new RowDeduper();
    // 40 entries of item 9, each with rows 1000*e .. 1000*e+2 and a repeat of a row of the entry before.
    for (let entry = 0; entry < 40; entry++) {
      deduper.startItem(9, 4);
      const verdicts = [0, 1, 2].map((row) => deduper.admit(1000 * entry + row));
      verdicts.push(deduper.admit(entry === 0 ? 5 : 1000 * (entry - 1) + 2));
      deduper.endItem();
      expect(verdicts).toEqual([ADMITTED, ADMITTED, ADMITTED, entry === 0 ? ADMITTED : MADE_BY_EARLIER_ITEM]);
    }
    deduper.startItem(9, 3);
    expect(deduper.admit(1000 * 3 + 1)).toBe(MADE_BY_EARLIER_ITEM); // a run merged into the set
    expect(deduper.admit(1000 * 39)).toBe(MADE_BY_EARLIER_ITEM); // a row added to the set later
    expect(deduper.admit(1000 * 40)).toBe(ADMITTED);
    deduper.endItem();
    deduper.startItem(10, 1);
    expect(deduper.admit(1000 * 3 + 1)).toBe(ADMITTED); // other item pieces: another row
    deduper.endItem();
  });

  it('checks a row against earlier items with the same pieces only, also across its 1 MiB storage chunks', () => {
    const deduper = new RowDeduper();
    // 200,000 rows: more than the 131,072 hashes of one storage chunk, so the item is stored in two pieces.
    const rows = 200_000;
    deduper.startItem(7, rows);
    let admitted = 0;
    for (let row = 0; row < rows; row++) if (deduper.admit(row * 3 + 1) === ADMITTED) admitted++;
    deduper.endItem();
    expect(admitted).toBe(rows);

    deduper.startItem(8, 1);
    expect(deduper.admit(4)).toBe(ADMITTED); // the same row hash under other item pieces is another row
    deduper.endItem();

    deduper.startItem(7, 5);
    expect(deduper.admit(4)).toBe(MADE_BY_EARLIER_ITEM); // row 1 of the first item, in its first chunk
    expect(deduper.admit(199_999 * 3 + 1)).toBe(MADE_BY_EARLIER_ITEM); // its last row, in the second chunk
    expect(deduper.admit(2)).toBe(ADMITTED);
    expect(deduper.admit(5)).toBe(ADMITTED);
    expect(deduper.admit(5)).toBe(1); // repeated in this item: the index of its first copy
    deduper.endItem();

    deduper.startItem(7, 1);
    expect(deduper.admit(5)).toBe(MADE_BY_EARLIER_ITEM);
    deduper.endItem();
  });

  it('moves stored rows beyond 4 MiB to a temporary file, reads them back for a repeated item, and deletes the file on close', () => {
    const tempRoot = mkdtempSync(join(tmpdir(), 'npi-rates-dedupe-test-'));
    const deduper = new RowDeduper(tempRoot);
    // 600,000 rows fill 5 chunks of 131,072: starting the fifth moves the first to the file.
    const rows = 600_000;
    deduper.startItem(7, rows);
    for (let row = 0; row < rows; row++) deduper.admit(row + 1);
    deduper.endItem();
    const [folder] = readdirSync(tempRoot);
    expect(statSync(join(tempRoot, folder, 'row-hashes.bin')).size).toBe(131_072 * 8);

    deduper.startItem(7, 3);
    expect(deduper.admit(1)).toBe(MADE_BY_EARLIER_ITEM); // in the chunk on disk
    expect(deduper.admit(rows)).toBe(MADE_BY_EARLIER_ITEM); // in memory
    expect(deduper.admit(rows + 1)).toBe(ADMITTED);
    deduper.endItem();
    deduper.close();
    expect(readdirSync(tempRoot)).toEqual([]);
  });
});
