import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { RateRow } from '../../src/search/rate-row.js';
import { CSV_COLUMNS, quoteCsvField, writeCsv } from '../../src/writers/csv-writer.js';
import { writeNdjson } from '../../src/writers/ndjson-writer.js';
import { formatFromPath, parseOutputFormat } from '../../src/writers/output-format.js';

const fullRow: RateRow = {
  source_file: 'https://mrf.example.test/in-network.json.gz',
  reporting_entity_name: 'Example, "Health" Plan',
  last_updated_on: '2024-05-01',
  npi: 1000000012,
  tin: { type: 'ein', value: '11-1000001', business_name: 'Clinic A' },
  network_name: ['PPO', 'HMO'],
  billing_code_type: 'CPT',
  billing_code_type_version: '2024',
  billing_code: '99213',
  billing_code_description: 'Office visit\nestablished',
  name: 'OFFICE VISIT',
  negotiation_arrangement: 'ffs',
  negotiated_rate: 123.45,
  negotiated_type: 'negotiated',
  billing_class: 'professional',
  setting: 'outpatient',
  expiration_date: '9999-12-31',
  service_code: ['11', '22'],
  service_code_wildcard: false,
  billing_code_modifier: ['25'],
  additional_information: 'x',
  occurrences: 2,
  from_incomplete_file: true,
};

const sparseRow: RateRow = {
  source_file: '/data/file.json',
  npi: 1000000020,
  tin: { type: null, value: null },
  billing_code_type: null,
  billing_code: '0001',
  billing_code_description: null,
  negotiation_arrangement: null,
  negotiated_rate: null,
  negotiated_type: null,
  billing_class: null,
  expiration_date: null,
  service_code: [],
  billing_code_modifier: [],
  occurrences: 1,
};

async function* rowsOf(...rows: RateRow[]): AsyncIterable<RateRow> {
  yield* rows;
}

async function textWritten(write: (out: NodeJS.WritableStream) => Promise<void>): Promise<string> {
  const out = new PassThrough();
  const pieces: Buffer[] = [];
  out.on('data', (piece: Buffer) => pieces.push(piece));
  await write(out);
  return Buffer.concat(pieces).toString('utf8');
}

const HEADER =
  'source_file,reporting_entity_name,last_updated_on,npi,tin_type,tin_value,tin_business_name,' +
  'network_name,billing_code_type,billing_code_type_version,billing_code,' +
  'billing_code_description,name,bundled_codes,covered_services,negotiation_arrangement,negotiated_rate,negotiated_type,billing_class,' +
  'setting,expiration_date,service_code,service_code_wildcard,billing_code_modifier,additional_information,' +
  'occurrences,from_incomplete_file';

describe('writeCsv', () => {
  it('writes a fixed header, then every field with lists joined by | and RFC 4180 quoting', async () => {
    const text = await textWritten((out) => writeCsv(rowsOf(fullRow, sparseRow), out));
    expect(text).toBe(
      `${HEADER}\r\n` +
        'https://mrf.example.test/in-network.json.gz,"Example, ""Health"" Plan",2024-05-01,1000000012,' +
        'ein,11-1000001,Clinic A,PPO|HMO,CPT,2024,99213,"Office visit\nestablished",OFFICE VISIT,,,ffs,' +
        '123.45,negotiated,professional,outpatient,9999-12-31,11|22,false,25,x,2,true\r\n' +
        '/data/file.json,,,1000000020,,,,,,,0001,,,,,,,,,,,,,,,1,\r\n',
    );
  });

  it("writes a bundle's codes and a capitation item's services as TYPE:CODE joined by |", async () => {
    const bundle: RateRow = {
      ...sparseRow,
      bundled_codes: [{ billing_code_type: 'CPT', billing_code: '27447', description: 'knee' }, { billing_code: '27446' }],
      covered_services: [{ billing_code_type: 'CPT', billing_code: '99213' }],
    };
    const [, line] = (await textWritten((out) => writeCsv(rowsOf(bundle), out))).split('\r\n');
    const cells = line.split(',');
    const at = HEADER.split(',').indexOf('bundled_codes');
    expect([cells[at], cells[at + 1]]).toEqual(['CPT:27447|27446', 'CPT:99213']);
  });

  it('escapes | and \\ inside list elements, so a cell splits back into the same elements', async () => {
    const row: RateRow = { ...sparseRow, service_code: ['1|2', '3'], billing_code_modifier: ['A\\B'], network_name: ['Net A, "quoted"', 'Net|B'] };
    const [, line] = (await textWritten((out) => writeCsv(rowsOf(row), out))).split('\r\n');
    expect(line).toContain(',"Net A, ""quoted""|Net\\|B",');
    expect(line).toContain(',1\\|2|3,,A\\\\B,');
    // How a reader splits it back: on a | that no backslash escapes.
    const split = (cell: string) => cell.split(/(?<!\\)\|/).map((element) => element.replace(/\\(.)/g, '$1'));
    expect(split('1\\|2|3')).toEqual(['1|2', '3']);
  });

  it("starts a text cell a spreadsheet would run as a formula with ', and leaves numbers alone", async () => {
    const row: RateRow = {
      ...sparseRow,
      reporting_entity_name: "=cmd|' /C calc'!A0",
      billing_code_description: '-2+3',
      name: '+SUM(1,2)',
      tin: { type: 'ein', value: '11-1000001', business_name: '@evil' },
      negotiated_rate: -5,
    };
    const [, line] = (await textWritten((out) => writeCsv(rowsOf(row), out))).split('\r\n');
    const cells = line.split(',');
    const at = (name: string) => cells[HEADER.split(',').indexOf(name)];
    expect(at('reporting_entity_name')).toBe("'=cmd|' /C calc'!A0");
    expect(at('tin_business_name')).toBe("'@evil");
    expect(at('billing_code_description')).toBe("'-2+3");
    expect(line).toContain(`,"'+SUM(1,2)",`);
    expect(line).toContain(',-5,');
  });

  it('has one column per row field, with tin split in three', () => {
    expect(CSV_COLUMNS.map(([name]) => name).join(',')).toBe(HEADER);
  });

  it('writes only the header when there are no rows', async () => {
    expect(await textWritten((out) => writeCsv(rowsOf(), out))).toBe(`${HEADER}\r\n`);
  });

  it('writes every row, in order, to a destination that drains slowly', async () => {
    const received: string[] = [];
    const slow = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _encoding, done) {
        received.push(chunk.toString('utf8'));
        setImmediate(done);
      },
    });
    const manyRows = Array.from({ length: 2000 }, (_, index) => ({ ...sparseRow, billing_code: String(index) }));
    await writeCsv(manyRows, slow);
    const lines = received.join('').split('\r\n');
    expect(lines).toHaveLength(2002);
    const billingCodeColumn = CSV_COLUMNS.findIndex(([name]) => name === 'billing_code');
    expect(lines[2000].split(',')[billingCodeColumn]).toBe('1999');
  });
});

describe('quoteCsvField', () => {
  it('quotes only fields holding a comma, quote, CR or LF', () => {
    expect(quoteCsvField('plain text')).toBe('plain text');
    expect(quoteCsvField('a,b')).toBe('"a,b"');
    expect(quoteCsvField('say "hi"')).toBe('"say ""hi"""');
    expect(quoteCsvField('line\r\nbreak')).toBe('"line\r\nbreak"');
    expect(quoteCsvField('')).toBe('');
  });
});

describe('writeNdjson', () => {
  it('writes one JSON object per line', async () => {
    const text = await textWritten((out) => writeNdjson(rowsOf(sparseRow, sparseRow), out));
    const line =
      '{"source_file":"/data/file.json","npi":1000000020,"tin":{"type":null,"value":null},' +
      '"billing_code_type":null,"billing_code":"0001","billing_code_description":null,' +
      '"negotiation_arrangement":null,"negotiated_rate":null,"negotiated_type":null,"billing_class":null,' +
      '"expiration_date":null,"service_code":[],"billing_code_modifier":[],"occurrences":1}';
    expect(text).toBe(`${line}\n${line}\n`);
  });
});

describe('formatFromPath', () => {
  it('infers the format from the extension, json by default', () => {
    expect(formatFromPath('rates.csv')).toBe('csv');
    expect(formatFromPath('OUT/RATES.CSV')).toBe('csv');
    expect(formatFromPath('rates.ndjson')).toBe('ndjson');
    expect(formatFromPath('rates.jsonl')).toBe('ndjson');
    expect(formatFromPath('rates.json')).toBe('json');
    expect(formatFromPath('s3://bucket/run/rates.csv')).toBe('csv');
    expect(formatFromPath('-')).toBe('json');
    expect(formatFromPath('results')).toBe('json');
    expect(formatFromPath('rates.csv.gz')).toBe('json');
  });

  it('parses a --format value and rejects others', () => {
    expect(parseOutputFormat(' CSV ')).toBe('csv');
    expect(parseOutputFormat('xml')).toBeNull();
  });
});
