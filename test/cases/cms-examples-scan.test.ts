import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanBytes } from '../helpers/scan-bytes.js';
import { hasSharedDir, sharedDir, sharedSkipReason } from '../helpers/shared-dir.js';

/**
 * The official CMS example files, schema v1.6 and v2.1. Each expected row was worked out by
 * reading the file: code | TIN value | rate | billing_class | negotiated_type.
 */
const cmsDir = resolve(sharedDir, 'fixtures', 'cms');

const knee1230 = ['27447|11-1111111|1230.45|institutional|negotiated', '27447|22-2222222|1230.45|institutional|negotiated'];
const knee123 = ['27447|11-1111111|123.45|professional|negotiated', '27447|22-2222222|123.45|professional|negotiated'];
const femur12003 = ['27448|11-1111111|12003.45|professional|negotiated', '27448|22-2222222|12003.45|professional|negotiated'];

const expectations: Array<{ file: string; npi: number; rows: string[] }> = [
  {
    file: 'v1.6/in-network-rates-bundle-single-plan-sample.json',
    npi: 1111111111,
    rows: ['81.54|11-1111111|20000|professional|negotiated', '81.54|22-2222222|20000|professional|negotiated'],
  },
  {
    file: 'v1.6/in-network-rates-bundle-single-plan-sample.json',
    npi: 6666666666,
    rows: ['81.54|6666666666|25000|professional|negotiated'],
  },
  {
    file: 'v1.6/in-network-rates-capitation-single-plan-sample.json',
    npi: 3333333333,
    rows: ['27447|11-1111111|20000|institutional|negotiated', '27447|22-2222222|20000|institutional|negotiated'],
  },
  {
    file: 'v1.6/in-network-rates-capitation-single-plan-sample.json',
    npi: 7777777777,
    rows: ['27447|22-2222222|25000|professional|negotiated'],
  },
  {
    file: 'v1.6/in-network-rates-fee-for-service-single-plan-sample.json',
    npi: 1111111111,
    rows: [...knee123, ...knee1230, ...femur12003],
  },
  {
    file: 'v1.6/in-network-rates-fee-for-service-single-plan-sample.json',
    npi: 6666666666,
    rows: ['27447|22-2222222|120.45|professional|negotiated', '27448|6666666666|12.45|institutional|negotiated'],
  },
  {
    file: 'v1.6/in-network-rates-multiple-plans-sample.json',
    npi: 5555555555,
    rows: [...knee123, ...knee1230, ...femur12003],
  },
  {
    file: 'v1.6/in-network-rates-multiple-plans-sample.json',
    npi: 6666666666,
    rows: ['27447|22-2222222|120.45|professional|negotiated', '27448|6666666666|12.45|institutional|negotiated'],
  },
  { file: 'v1.6/in-network-rates-no-npi.json', npi: 1111111111, rows: [] },
  {
    file: 'v2.1/in-network-rates-all-negotiated-types-sample.json',
    npi: 1234567890,
    rows: [
      '99214|12-3456789|150|professional|negotiated',
      '97110|12-3456789|65|professional|percentage',
      '80053|12-3456789|45|professional|derived',
      '27447|12-3456789|8500|professional|fee schedule',
      '27447|12-3456789|12000|institutional|negotiated',
    ],
  },
  {
    file: 'v2.1/in-network-rates-all-negotiated-types-sample.json',
    npi: 5678901234,
    rows: [
      '0200|34-5678901|5500|institutional|per diem',
      '27447|34-5678901|8500|professional|fee schedule',
      '27447|34-5678901|12000|institutional|negotiated',
      '99285|34-5678901|75.5|professional|percentage',
      '99285|34-5678901|2500|institutional|negotiated',
    ],
  },
  {
    file: 'v2.1/in-network-rates-bundle-single-plan-sample.json',
    npi: 2222222222,
    rows: [
      '81.54|11-1111111|20000|professional|negotiated',
      '81.54|22-2222222|20000|professional|negotiated',
      '81.54|11-1111111|25000|professional|negotiated',
      '81.54|22-2222222|25000|professional|negotiated',
    ],
  },
  {
    file: 'v2.1/in-network-rates-capitation-single-plan-sample.json',
    npi: 4444444444,
    rows: [
      '27447|11-1111111|20000|institutional|negotiated',
      '27447|22-2222222|20000|institutional|negotiated',
      '27447|11-1111111|25000|professional|negotiated',
      '27447|22-2222222|25000|professional|negotiated',
    ],
  },
  {
    file: 'v2.1/in-network-rates-fee-for-service-single-plan-sample.json',
    npi: 1111111111,
    rows: [
      ...knee123,
      ...knee1230,
      '27447|11-1111111|120.45|professional|negotiated',
      '27447|22-2222222|120.45|professional|negotiated',
      ...femur12003,
      '27448|11-1111111|12.45|institutional|negotiated',
      '27448|22-2222222|12.45|institutional|negotiated',
    ],
  },
  { file: 'v2.1/in-network-rates-fee-for-service-single-plan-sample.json', npi: 6666666666, rows: [] },
  {
    file: 'v2.1/in-network-rates-multiple-plans-sample.json',
    npi: 1111111111,
    rows: [
      ...knee123,
      ...knee1230,
      '27447|11-1111111|120.45|professional|negotiated',
      '27447|22-2222222|120.45|professional|negotiated',
      '27447|11-1111111|120.45|both|derived',
      '27447|22-2222222|120.45|both|derived',
      ...femur12003,
      '27448|11-1111111|12.45|institutional|negotiated',
      '27448|22-2222222|12.45|institutional|negotiated',
    ],
  },
  {
    file: 'v2.1/in-network-rates-no-npi.json',
    npi: 1111111111,
    rows: ['27447|1234567890|123.45|institutional|negotiated'],
  },
];

function summarise(row: { billing_code: string; tin: { value: string | null }; negotiated_rate: number | null; billing_class: string | null; negotiated_type: string | null }): string {
  return [row.billing_code, row.tin.value, row.negotiated_rate, row.billing_class, row.negotiated_type].join('|');
}

describe.skipIf(!hasSharedDir)(`CMS example files (${sharedSkipReason} when skipped)`, () => {
  for (const { file, npi, rows } of expectations) {
    it(`${file} gives ${rows.length} rows for NPI ${npi}`, async () => {
      const outcome = await scanBytes(readFileSync(resolve(cmsDir, file)), { npis: [npi] }, { chunkSize: 13 });
      expect(outcome.error).toBeUndefined();
      expect(outcome.rows.map(summarise).sort()).toEqual([...rows].sort());
      for (const row of outcome.rows) expect(row.npi).toBe(npi);
    });
  }

  it('carries network_name, setting, modifiers and the item header into each row', async () => {
    const file = resolve(cmsDir, 'v2.1/in-network-rates-fee-for-service-single-plan-sample.json');
    const outcome = await scanBytes(readFileSync(file), { npis: [1111111111] });
    const row = outcome.rows.find((r) => r.negotiated_rate === 123.45 && r.tin.value === '11-1111111');
    expect(row).toEqual({
      source_file: 'test.json',
      npi: 1111111111,
      tin: { type: 'ein', value: '11-1111111', business_name: 'ACME Provider Group' },
      network_name: ['ACME Choice Provider Group'],
      billing_code_type: 'CPT',
      billing_code_type_version: '2020',
      billing_code: '27447',
      billing_code_description: 'Arthroplasty, knee condyle and plateau, medial and lateral compartments',
      name: 'Knee Replacement',
      negotiation_arrangement: 'ffs',
      negotiated_rate: 123.45,
      negotiated_type: 'negotiated',
      billing_class: 'professional',
      setting: 'inpatient',
      expiration_date: '2022-01-01',
      service_code: ['18', '19', '11'],
      billing_code_modifier: ['AS'],
      occurrences: 1,
    });
    expect(outcome.metadata.reporting_entity_name).toBe('medicare');
  });

  it('v1.6 no-npi sample: a TIN search finds the TIN-level contract with NPI 0', async () => {
    const outcome = await scanBytes(readFileSync(resolve(cmsDir, 'v1.6/in-network-rates-no-npi.json')), {
      tins: ['111111111'],
    });
    expect(outcome.rows.map((row) => [row.npi, summarise(row)])).toEqual([
      [0, '27447|11-1111111|123.45|institutional|negotiated'],
    ]);
  });
});
