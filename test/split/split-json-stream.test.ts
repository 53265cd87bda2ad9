import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compactJsonLine } from '../../src/split/compact-json-line.js';
import { splitJsonStream } from '../../src/split/split-json-stream.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const PRETTY_MRF = `{
  "reporting_entity_name": "Example Plan",
  "version": "1.0.0",
  "provider_references": [
    { "provider_group_id": 1,
      "provider_groups": [ { "npi": [ 1000000012 ], "tin": { "type": "ein", "value": "11-1000001" } } ] }
  ],
  "last_updated_on": "2024-05-01",
  "in_network": [
    {
      "billing_code": "99213",
      "description": "Office visit, \\"established\\"\\n patient",
      "negotiated_rates": [ { "provider_references": [1], "negotiated_prices": [ { "negotiated_rate": 100.10 } ] } ]
    },
    { "billing_code": "99214", "negotiated_rates": [] },
    { "billing_code": "99215", "negotiated_rates": [] }
  ]
}`;

function tempDirectory(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'npi-rates-split-'));
}

async function* chunksOf(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

function read(directory: string, name: string): string {
  return readFileSync(path.join(directory, name), 'utf8');
}

describe('compactJsonLine', () => {
  it('drops whitespace between tokens, keeps strings byte for byte and ends with a line feed', () => {
    const line = compactJsonLine(encoder.encode('{\n  "a b" : [ 1 ,\t2 ],\r\n  "c": "x \\" y" }'));
    expect(decoder.decode(line)).toBe('{"a b":[1,2],"c":"x \\" y"}\n');
  });
});

describe('splitJsonStream', () => {
  it('writes each top-level array as NDJSON and the other top-level values as header.json', async () => {
    const directory = tempDirectory();
    const summary = await splitJsonStream(chunksOf(encoder.encode(PRETTY_MRF), 1 << 16), 'mrf.json', directory);

    expect(readdirSync(directory).sort()).toEqual(['header.json', 'in_network.000.ndjson', 'provider_references.000.ndjson']);
    expect(read(directory, 'in_network.000.ndjson')).toBe(
      '{"billing_code":"99213","description":"Office visit, \\"established\\"\\n patient",' +
        '"negotiated_rates":[{"provider_references":[1],"negotiated_prices":[{"negotiated_rate":100.10}]}]}\n' +
        '{"billing_code":"99214","negotiated_rates":[]}\n' +
        '{"billing_code":"99215","negotiated_rates":[]}\n',
    );
    expect(read(directory, 'provider_references.000.ndjson')).toBe(
      '{"provider_group_id":1,"provider_groups":[{"npi":[1000000012],"tin":{"type":"ein","value":"11-1000001"}}]}\n',
    );
    expect(read(directory, 'header.json')).toBe(
      '{\n  "reporting_entity_name": "Example Plan",\n  "version": "1.0.0",\n  "last_updated_on": "2024-05-01"\n}\n',
    );
    expect(summary.arrays).toEqual([
      { key: 'provider_references', elements: 1, files: [path.join(directory, 'provider_references.000.ndjson')] },
      {
        key: 'in_network',
        elements: 3,
        files: [path.join(directory, 'in_network.000.ndjson')],
      },
    ]);
    expect(summary.bytesRead).toBe(encoder.encode(PRETTY_MRF).length);
  });

  it('gives the same files when the input arrives one byte at a time', async () => {
    const whole = tempDirectory();
    const byteByByte = tempDirectory();
    await splitJsonStream(chunksOf(encoder.encode(PRETTY_MRF), 1 << 16), 'mrf.json', whole);
    await splitJsonStream(chunksOf(encoder.encode(PRETTY_MRF), 1), 'mrf.json', byteByByte);
    for (const name of readdirSync(whole)) expect(read(byteByByte, name)).toBe(read(whole, name));
  });

  it('starts a new file before one would pass the chunk size', async () => {
    const directory = tempDirectory();
    // Lines are 14 bytes ({"n":"aaaaa"}\n) so two fit in 30 bytes and a third starts the next file.
    const text = `{"rows":[${Array.from({ length: 5 }, () => '{"n":"aaaaa"}').join(',')}]}`;
    const summary = await splitJsonStream(chunksOf(encoder.encode(text), 7), 'rows.json', directory, { chunkBytes: 30 });
    expect(summary.arrays[0].files.map((file) => path.basename(file))).toEqual([
      'rows.000.ndjson',
      'rows.001.ndjson',
      'rows.002.ndjson',
    ]);
    expect(read(directory, 'rows.000.ndjson')).toBe('{"n":"aaaaa"}\n{"n":"aaaaa"}\n');
    expect(read(directory, 'rows.002.ndjson')).toBe('{"n":"aaaaa"}\n');
    expect(read(directory, 'header.json')).toBe('{}\n');
  });

  it('names the files of a document that is itself an array "items"', async () => {
    const directory = tempDirectory();
    await splitJsonStream(chunksOf(encoder.encode('[1, {"a": 2}]'), 4), 'list.json', directory);
    expect(read(directory, 'items.000.ndjson')).toBe('1\n{"a":2}\n');
  });

  it('continues the numbering when a top-level array key appears twice, and makes unsafe keys file-safe', async () => {
    const directory = tempDirectory();
    const text = '{"a/b":[1],"a_b":[2],"a/b":[3],"empty":[]}';
    const summary = await splitJsonStream(chunksOf(encoder.encode(text), 3), 'dup.json', directory, { chunkBytes: 1 });
    expect(readdirSync(directory).sort()).toEqual(['a_b.000.ndjson', 'a_b.001.ndjson', 'a_b_2.000.ndjson', 'header.json']);
    expect(read(directory, 'a_b.001.ndjson')).toBe('3\n');
    expect(read(directory, 'a_b_2.000.ndjson')).toBe('2\n');
    expect(summary.arrays.map((entry) => [entry.key, entry.elements])).toEqual([
      ['a/b', 2],
      ['a_b', 1],
      ['empty', 0],
    ]);
  });

  it('leaves no header and no partial file when the document is cut short', async () => {
    const directory = tempDirectory();
    const cut = PRETTY_MRF.slice(0, PRETTY_MRF.indexOf('"99214"'));
    await expect(splitJsonStream(chunksOf(encoder.encode(cut), 64), 'cut.json', directory)).rejects.toMatchObject({
      message: expect.stringContaining('cut.json'),
    });
    expect(existsSync(path.join(directory, 'header.json'))).toBe(false);
    expect(readdirSync(directory).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });

  it('streams 200,000 elements into many chunk files without losing one', async () => {
    const directory = tempDirectory();
    const elementCount = 200_000;
    async function* generated(): AsyncIterable<Uint8Array> {
      yield encoder.encode('{"version":"1","in_network":[');
      let batch = '';
      for (let index = 0; index < elementCount; index += 1) {
        batch += `${index === 0 ? '' : ','}{"billing_code": "${index}", "negotiated_rates": []}`;
        if (batch.length > 60_000) {
          yield encoder.encode(batch);
          batch = '';
        }
      }
      yield encoder.encode(`${batch}]}`);
    }
    const summary = await splitJsonStream(generated(), 'big.json', directory, { chunkBytes: 1024 * 1024 });
    const files = summary.arrays[0].files;
    const lines = files.flatMap((file) => readFileSync(file, 'utf8').split('\n').slice(0, -1));
    expect(lines).toHaveLength(elementCount);
    expect(lines[elementCount - 1]).toBe(`{"billing_code":"${elementCount - 1}","negotiated_rates":[]}`);
    expect(files.length).toBeGreaterThan(5);
  });
});
