import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeSearchTarget } from '../../src/match/search-target.js';
import { searchFile, type FileSearchOptions } from '../../src/search/search-file.js';
import { startFlakyServer, type FlakyServer } from '../helpers/flaky-http-server.js';

/** An in_network-first document of `items` items, each with one rate of group 1 (NPI A). */
function inNetworkFirst(items: number): Buffer {
  const rate = '{"provider_references":[1],"negotiated_prices":[{"negotiated_type":"negotiated","negotiated_rate":10,"expiration_date":"9999-12-31"}]}';
  const inNetwork = Array.from({ length: items }, (_, i) => `{"billing_code":"${i}","billing_code_type":"CPT","negotiated_rates":[${rate}]}`);
  const references = '[{"provider_group_id":1,"provider_groups":[{"npi":[1234567893],"tin":{"type":"ein","value":"11-1000001"}}]}]';
  return gzipSync(`{"in_network":[${inNetwork.join(',')}],"provider_references":${references}}`);
}

describe('stopping a search during the second pass of an in_network-first file', () => {
  let server: FlakyServer;
  let directory: string;
  const body = inNetworkFirst(200_000);

  beforeAll(async () => {
    server = await startFlakyServer();
    server.serve('/first.json.gz', { body });
    directory = mkdtempSync(join(tmpdir(), 'npi-rates-abort-'));
    writeFileSync(join(directory, 'first.json.gz'), body);
  });
  afterAll(async () => {
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  });

  for (const where of ['a local file (read again)', 'an HTTP source (read from its copy)']) {
    it(`ends the pass when the signal fires: ${where}`, async () => {
      const location = where.startsWith('a local') ? join(directory, 'first.json.gz') : server.url('/first.json.gz');
      const controller = new AbortController();
      let rows = 0;
      const options: FileSearchOptions = {
        location,
        displayName: location,
        target: makeSearchTarget([1234567893]),
        sourceOptions: {},
        fetchRemote: async () => ({}),
        signal: controller.signal,
        onRows: (block) => {
          rows += block.count;
          // Abort once the second pass has produced its first rows.
          if (rows >= 1000) controller.abort();
        },
        onWarning: () => {},
        onLog: () => {},
        tempDir: directory,
      };
      const result = await searchFile(options);
      expect(result.usedSecondPass).toBe(false); // the pass did not finish
      expect(result.error).toBeDefined();
      // The abort lands within a chunk or two: far from all 200,000 rows.
      expect(result.rowsFound).toBeGreaterThanOrEqual(1000);
      expect(result.rowsFound).toBeLessThan(150_000);
    });
  }
});
