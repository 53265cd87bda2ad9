import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TocCollector } from '../../src/toc/toc-collector.js';
import type { TocFilters, TocListing } from '../../src/toc/toc-types.js';

function fixture(name: string): { reporting_structure: unknown[]; reporting_entity_name?: string } {
  return JSON.parse(readFileSync(new URL(`../fixtures/toc/${name}`, import.meta.url), 'utf8'));
}

function collect(structures: unknown[], filters: TocFilters = {}, tocLocation?: string): TocListing {
  const collector = new TocCollector(filters, { tocLocation });
  for (const structure of structures) collector.addStructure(structure);
  return collector.result();
}

const SITE = 'https://www.some_site.com/files';

describe('TocCollector on the CMS samples', () => {
  for (const sample of ['cms-v1.6-table-of-contents-sample.json', 'cms-v2.1-table-of-contents-sample.json']) {
    it(`lists every in-network and allowed-amount URL of ${sample} in order`, () => {
      const listing = collect(fixture(sample).reporting_structure);
      expect(listing.files.map((file) => file.url)).toEqual([
        `${SITE}/in-network-file-123456.json`,
        `${SITE}/behavioral-health-0000.json`,
        `${SITE}/chip-in-network-file.json`,
      ]);
      expect(listing.allowedAmountFiles.map((file) => file.url)).toEqual([
        `${SITE}/allowed-amount-file-987665.json`,
        `${SITE}/chip-allowed-amount-file.json`,
      ]);
      expect(listing.warnings).toEqual([]);
      expect(listing.structuresSeen).toBe(2);
    });

    it(`keeps only the chip file of ${sample} for plan id 3333333333`, () => {
      const listing = collect(fixture(sample).reporting_structure, { planId: '3333333333' });
      expect(listing.files.map((file) => file.url)).toEqual([`${SITE}/chip-in-network-file.json`]);
      expect(listing.files[0].description).toBe('in-network file');
      expect(listing.files[0].plans.map((plan) => plan.plan_name)).toEqual(['chip']);
    });

    it(`selects by market and plan name in ${sample}`, () => {
      const individual = collect(fixture(sample).reporting_structure, { market: 'individual' });
      expect(individual.files.map((file) => file.url)).toEqual([
        `${SITE}/in-network-file-123456.json`,
        `${SITE}/behavioral-health-0000.json`,
      ]);
      const chipGroup = collect(fixture(sample).reporting_structure, { market: 'group', planName: /CHIP/i });
      expect(chipGroup.files.map((file) => file.url)).toEqual([`${SITE}/chip-in-network-file.json`]);
      const noMatch = collect(fixture(sample).reporting_structure, { market: 'group', planName: /medicare/ });
      expect(noMatch.files).toEqual([]);
    });
  }

  it('reports the plans that point at a file, with issuer_name from schema 2.x', () => {
    const listing = collect(fixture('cms-v2.1-table-of-contents-sample.json').reporting_structure, {
      planName: /^medicare$/,
    });
    expect(listing.files).toEqual([
      {
        url: `${SITE}/in-network-file-123456.json`,
        description: 'in-network file',
        plans: [
          { plan_name: 'medicare', plan_id: '000000000', plan_id_type: 'hios', plan_market_type: 'individual', issuer_name: 'CMS' },
        ],
      },
      {
        url: `${SITE}/behavioral-health-0000.json`,
        description: 'behavioral in-network shared file',
        plans: [
          { plan_name: 'medicare', plan_id: '000000000', plan_id_type: 'hios', plan_market_type: 'individual', issuer_name: 'CMS' },
        ],
      },
    ]);
  });
});

describe('TocCollector on BUG-29 (object form, missing files, duplicates, EIN dashes, sftp)', () => {
  it('gives U1 and U2 once each and exactly the two expected warnings for plan id 111000009', () => {
    const listing = collect(fixture('bug-29-toc-variants.json').reporting_structure, { planId: '111000009' });
    expect(listing.files.map((file) => file.url)).toEqual([
      'https://mrf.example.test/2024-05-01_ppo_in-network-rates_1_of_2.json.gz',
      'https://mrf.example.test/2024-05-01_ppo_in-network-rates_2_of_2.json.gz',
    ]);
    expect(listing.warnings).toEqual([
      'in_network_files is an object, treated as a one-element array',
      "unsupported location scheme 'sftp' skipped",
    ]);
    expect(listing.allowedAmountFiles.map((file) => file.url)).toEqual(['https://mrf.example.test/allowed.json.gz']);
  });

  it('matches the EIN whichever side carries the dash', () => {
    const structures = fixture('bug-29-toc-variants.json').reporting_structure;
    const withDash = collect(structures, { planId: '11-1000009' });
    expect(withDash.files.map((file) => file.url)).toHaveLength(2);
    expect(withDash.structuresSelected).toBe(3);
    expect(withDash.files[0].plans.map((plan) => plan.plan_name)).toEqual(['PPO A', 'PPO C']);
  });
});

describe('TocCollector with loosely typed input', () => {
  it('reads numbers for strings, strings for numbers and keys in any letter case', () => {
    const listing = collect(
      [
        {
          Reporting_Plans: { PLAN_ID: 12345678, plan_id_type: 'EIN', plan_name: 7, plan_market_type: 'Group' },
          IN_NETWORK_FILES: [{ Location: ' https://x.test/a.json ', Description: 42 }],
        },
      ],
      { planId: '01-2345678', market: 'group' },
    );
    expect(listing.files).toEqual([
      {
        url: 'https://x.test/a.json',
        description: '42',
        plans: [{ plan_name: '7', plan_id: '12345678', plan_id_type: 'ein', plan_market_type: 'group' }],
      },
    ]);
    expect(listing.warnings).toEqual(['reporting_plans is an object, treated as a one-element array']);
  });

  it('counts a repeated warning instead of repeating it', () => {
    const structure = { reporting_plans: [], in_network_files: { location: 'ftp://old.test/a.json' } };
    const listing = collect([structure, structure, structure]);
    expect(listing.warnings).toEqual([
      'in_network_files is an object, treated as a one-element array (3 times)',
      "unsupported location scheme 'ftp' skipped (3 times)",
    ]);
  });

  it('resolves a relative location against an http or s3 index, and against the folder of a local one', () => {
    const structure = { reporting_plans: [], in_network_files: [{ location: 'rates/a.json.gz' }] };
    const remote = collect([structure], {}, 'https://payer.test/mrf/index.json?sig=1');
    expect(remote.files.map((file) => file.url)).toEqual(['https://payer.test/mrf/rates/a.json.gz']);
    expect(collect([structure], {}, 's3://bucket/mrf/index.json').files.map((file) => file.url)).toEqual(['s3://bucket/mrf/rates/a.json.gz']);
    const local = collect([structure], {}, '/data/index.json');
    expect(local.files.map((file) => file.url)).toEqual(['/data/rates/a.json.gz']);
    expect(local.warnings).toEqual(['relative file locations resolved against the folder of the table of contents']);
    expect(collect([structure], {}, 'file:///data/toc/index.json').files.map((file) => file.url)).toEqual(['/data/toc/rates/a.json.gz']);
    expect(local.skippedFiles).toEqual([]);
    const absolute = collect([{ reporting_plans: [], in_network_files: [{ location: '/srv/mrf/b.json.gz' }] }], {}, '/data/index.json');
    expect(absolute.files.map((file) => file.url)).toEqual(['/srv/mrf/b.json.gz']);
    expect(absolute.warnings).toEqual([]);
    const escaped = collect([{ reporting_plans: [], in_network_files: [{ location: 'rates/a%20b.json' }] }], {}, '/data/index.json');
    expect(escaped.files.map((file) => file.url)).toEqual(['/data/rates/a b.json']);
  });

  it('lets only a local index list file:// locations, and tells which in-network entries it could not list', () => {
    const structure = {
      reporting_plans: [],
      in_network_files: [{ location: 'file:///data/a.json' }, { location: 'sftp://host/b.json' }, { description: 'no location' }],
      allowed_amount_file: { location: 'ftp://host/allowed.json' },
    };
    expect(collect([structure], {}, '/data/index.json').files.map((file) => file.url)).toEqual(['file:///data/a.json']);
    const remote = collect([structure], {}, 'https://payer.test/index.json');
    expect(remote.files).toEqual([]);
    // The allowed-amount file is not searched, so only the three in-network entries count.
    expect(remote.skippedFiles).toEqual([
      "a file:// location in a table of contents read over the network skipped: 'file:///data/a.json' (only an index on this machine may list local files)",
      "unsupported location scheme 'sftp' skipped",
      'an in_network_files entry has no location; skipped',
    ]);
    expect(remote.warnings).toHaveLength(4);
  });

  it('names the filters and some plans it saw when nothing matches', () => {
    const listing = collect(fixture('cms-v1.6-table-of-contents-sample.json').reporting_structure, { planId: '999' });
    expect(listing.files).toEqual([]);
    expect(listing.warnings).toEqual([
      "no reporting plan matches plan id '999' among 2 reporting structures " +
        '(plans seen include medicaid 1111111111, medicare 000000000, chip 3333333333)',
    ]);
  });

  it('skips structures without in-network files and non-object elements', () => {
    const listing = collect([
      { reporting_plans: [{ plan_id: '1' }], allowed_amount_file: { location: 'https://x.test/oon.json' } },
      'not a structure',
      { reporting_plans: [{ plan_id: '1' }], in_network_files: [{ description: 'no location' }] },
    ]);
    expect(listing.files).toEqual([]);
    expect(listing.allowedAmountFiles.map((file) => file.url)).toEqual(['https://x.test/oon.json']);
    expect(listing.warnings).toEqual([
      'a reporting_structure element is not an object; skipped',
      'an in_network_files entry has no location; skipped',
    ]);
  });

  it('does not keep plans when asked not to', () => {
    const collector = new TocCollector({}, { includePlans: false });
    collector.addStructure({ reporting_plans: [{ plan_id: '1' }], in_network_files: [{ location: 'https://x.test/a' }] });
    expect(collector.result().files).toEqual([{ url: 'https://x.test/a', plans: [] }]);
  });
});

describe('TocCollector on one file listed twice with different signatures', () => {
  it('lists it once (the first link), keeping links that name other files apart', () => {
    const link = (signature: string, file = 'A') => `https://cdn.test/rates.json.gz?X-Amz-Signature=${signature}&file=${file}`;
    const listing = collect([
      { reporting_plans: [{ plan_name: 'one' }], in_network_files: [{ location: link('S1') }, { location: link('S2') }, { location: link('S3', 'B') }] },
    ]);
    expect(listing.files.map((file) => file.url)).toEqual([link('S1'), link('S3', 'B')]);
  });
});
