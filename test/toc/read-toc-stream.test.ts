import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTocChunks } from '../../src/toc/read-toc-stream.js';
import type { TocFilters } from '../../src/toc/toc-types.js';

const encoder = new TextEncoder();

function fixtureBytes(name: string): Uint8Array {
  return readFileSync(new URL(`../fixtures/toc/${name}`, import.meta.url));
}

async function* chunksOf(...pieces: Uint8Array[]): AsyncIterable<Uint8Array> {
  yield* pieces;
}

function urlsOf(bytes: Uint8Array, filters: TocFilters = {}, chunkSize = bytes.length) {
  const pieces: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += chunkSize) pieces.push(bytes.subarray(start, start + chunkSize));
  return readTocChunks(chunksOf(...pieces), 'index.json', filters);
}

const U1 = 'https://mrf.example.test/2024-05-01_ppo_in-network-rates_1_of_2.json.gz';
const U2 = 'https://mrf.example.test/2024-05-01_ppo_in-network-rates_2_of_2.json.gz';

describe('readTocChunks', () => {
  it('gives BUG-29 its expected URLs and warnings whether the bytes come whole or one at a time', async () => {
    const bytes = fixtureBytes('bug-29-toc-variants.json');
    for (const chunkSize of [bytes.length, 1, 7]) {
      const listing = await urlsOf(bytes, { planId: '111000009' }, chunkSize);
      expect(listing.files.map((file) => file.url)).toEqual([U1, U2]);
      expect(listing.warnings).toEqual([
        'in_network_files is an object, treated as a one-element array',
        "unsupported location scheme 'sftp' skipped",
      ]);
      expect(listing.reportingEntityName).toBe('Example Health Plan');
    }
  });

  it('reads keys in camelCase (reportingStructure, InNetworkFiles) and a lone URL where the list of files belongs', async () => {
    const index = {
      reportingEntityName: 'Camel Health',
      reportingStructure: [
        { ReportingPlans: [{ planId: '11-1000009', planIdType: 'EIN', planName: 'P', planMarketType: 'group' }], InNetworkFiles: [{ Location: U1 }] },
        { reporting_plans: [{ plan_id: '11-1000008', plan_id_type: 'ein', plan_name: 'Q', plan_market_type: 'group' }], in_network_files: U2 },
      ],
    };
    const listing = await urlsOf(encoder.encode(JSON.stringify(index)));
    expect(listing.files.map((file) => file.url)).toEqual([U1, U2]);
    expect(listing.reportingEntityName).toBe('Camel Health');
    expect(listing.warnings).toContain('in_network_files is a single location, treated as a one-element array');
    expect((await urlsOf(encoder.encode(JSON.stringify(index)), { planId: '111000009' })).files.map((file) => file.url)).toEqual([U1]);
  });

  it('gives the same listing for every split point of the CMS 2.x sample', async () => {
    const bytes = fixtureBytes('cms-v2.1-table-of-contents-sample.json');
    const expected = [
      'https://www.some_site.com/files/in-network-file-123456.json',
      'https://www.some_site.com/files/behavioral-health-0000.json',
      'https://www.some_site.com/files/chip-in-network-file.json',
    ];
    for (let cut = 0; cut <= bytes.length; cut += 1) {
      const listing = await readTocChunks(chunksOf(bytes.subarray(0, cut), bytes.subarray(cut)), 'toc', {});
      expect(listing.files.map((file) => file.url)).toEqual(expected);
    }
  });

  it('lists the CMS 1.x sample for a HIOS plan id', async () => {
    const listing = await urlsOf(fixtureBytes('cms-v1.6-table-of-contents-sample.json'), { planId: '1111111111' });
    expect(listing.files.map((file) => file.url)).toEqual([
      'https://www.some_site.com/files/in-network-file-123456.json',
      'https://www.some_site.com/files/behavioral-health-0000.json',
    ]);
    expect(listing.allowedAmountFiles.map((file) => file.url)).toEqual([
      'https://www.some_site.com/files/allowed-amount-file-987665.json',
    ]);
  });

  it('keeps the query of a signed URL (BUG-30), since the listed URL is what gets downloaded', async () => {
    const listing = await urlsOf(fixtureBytes('bug-30-signed-url-toc.json'), { planId: '11-1000009' });
    expect(listing.files.map((file) => file.url)).toEqual([
      'https://d1example.cloudfront.test/mrf/2023-11_ppo.json.gz?Expires=1700000000&Signature=abc&Key-Pair-Id=K0EXAMPLE',
    ]);
  });

  it('reads a reporting_structure given as one object and top-level keys in any letter case', async () => {
    const text = '{"Reporting_Structure":{"reporting_plans":[],"in_network_files":[{"location":"https://x.test/a"}]}}';
    const listing = await urlsOf(encoder.encode(text));
    expect(listing.files.map((file) => file.url)).toEqual(['https://x.test/a']);
    expect(listing.warnings).toEqual(['reporting_structure is an object, treated as a one-element array']);
  });

  it('refuses an in-network rate file with a hint to use --url', async () => {
    const text = '{"reporting_entity_name":"x","provider_references":[],"in_network":[]}';
    await expect(urlsOf(encoder.encode(text))).rejects.toMatchObject({
      code: 'NPI_RATES_NOT_A_TOC',
      message: 'index.json: not a table-of-contents file: it has no top-level reporting_structure (it looks like an in-network rate file)',
      hint: 'give index files to --toc-url and in-network rate files to --url',
    });
  });

  it('refuses a document that is not an object', async () => {
    await expect(urlsOf(encoder.encode('["https://x.test/a"]'))).rejects.toMatchObject({
      code: 'NPI_RATES_NOT_A_TOC',
      message: 'index.json: not a table-of-contents file: the document is a JSON array, not an object',
    });
  });

  it('names the structure and byte offset of invalid JSON inside a structure', async () => {
    const text = '{"reporting_structure":[{"reporting_plans":[]},{"in_network_files":[tru]}]}';
    await expect(urlsOf(encoder.encode(text))).rejects.toMatchObject({
      code: 'NPI_RATES_BAD_JSON',
      // The text after the colon is V8's own parse message.
      message: expect.stringMatching(
        /^index\.json: invalid JSON in reporting_structure\[1\] \(its first member starts at byte 67, decompressed\): \S/,
      ),
    });
  });

  it('reads only the members it needs, whatever else a structure holds', async () => {
    const text =
      '{"reporting_structure":[{"notes":{"deep":[1,{"x":"]"}]},"reporting_plans":[{"plan_id":"7"}],' +
      '"IN_NETWORK_FILES":[{"location":"https://x.test/a"}],"extra":"}"}]}';
    for (const includePlans of [true, false]) {
      const listing = await readTocChunks(chunksOf(encoder.encode(text)), 'index.json', {}, { includePlans });
      expect(listing.files).toEqual([
        { url: 'https://x.test/a', plans: includePlans ? [{ plan_name: null, plan_id: '7', plan_id_type: null, plan_market_type: null }] : [] },
      ]);
    }
    const filtered = await readTocChunks(chunksOf(encoder.encode(text)), 'index.json', { planId: '7' }, { includePlans: false });
    expect(filtered.files.map((file) => file.url)).toEqual(['https://x.test/a']);
  });

  it('reads a structure larger than its parse batch', async () => {
    const longDescription = 'd'.repeat(3 * 1024 * 1024);
    const text =
      `{"reporting_structure":[{"in_network_files":[{"location":"https://x.test/a"}]},` +
      `{"in_network_files":[{"description":"${longDescription}","location":"https://x.test/b"}]}]}`;
    const listing = await urlsOf(encoder.encode(text), {}, 64 * 1024);
    expect(listing.files.map((file) => file.url)).toEqual(['https://x.test/a', 'https://x.test/b']);
    expect(listing.files[1].description).toHaveLength(longDescription.length);
  });

  it('streams a generated index of 200,000 structures and keeps each repeated URL once', async () => {
    const structureCount = 200_000;
    async function* generatedIndex(): AsyncIterable<Uint8Array> {
      yield encoder.encode('{"reporting_entity_name":"Big","reporting_structure":[');
      for (let index = 0; index < structureCount; index += 1) {
        const plan = `{"plan_name":"Plan ${index}","plan_id":"${String(index).padStart(10, '0')}","plan_id_type":"hios","plan_market_type":"group"}`;
        const files = `[{"description":"shared","location":"https://cdn.test/shared-${index % 50}.json.gz"}]`;
        yield encoder.encode(`${index === 0 ? '' : ','}{"reporting_plans":[${plan}],"in_network_files":${files}}`);
      }
      yield encoder.encode(']}');
    }
    const listing = await readTocChunks(generatedIndex(), 'big.json', {}, { includePlans: false });
    expect(listing.structuresSeen).toBe(structureCount);
    expect(listing.files).toHaveLength(50);
    expect(listing.files[49]).toEqual({ url: 'https://cdn.test/shared-49.json.gz', description: 'shared', plans: [] });
  });
});
