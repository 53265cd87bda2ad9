import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
import { repoRoot } from '../helpers/shared-dir.js';

describe('the package API', () => {
  it('exports the search pipeline, the cloud orchestrator and the S3 helpers', () => {
    for (const name of ['runSearch', 'searchFile', 'openByteStream', 'decodeLayers', 'JsonWalker', 'FargateOrchestrator', 'uploadFileToS3', 'readS3Text', 'listInNetworkFiles', 'lookupNpi']) {
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
    }
  });

  it('runs a search in-process and writes the output document', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'npi-rates-api-'));
    const journalPath = join(dir, 'out.journal.ndjson');
    const run = await api.runSearch({
      locations: [resolve(repoRoot, 'samples', 'in-network-sample.json.gz')],
      target: api.makeSearchTarget([1003000126]),
      workers: 1,
      sourceOptions: {},
      journalPath,
      resume: false,
      searchDescription: 'npi 1003000126',
      isolation: 'in-process',
    });
    expect(run.interrupted).toBe(false);
    const summary = await api.writeFinalOutput({
      journalPath,
      files: run.files,
      outputPath: join(dir, 'out.json'),
      format: 'json',
      stdout: process.stdout,
      params: { npis: [1003000126], duration_seconds: 0 },
      unfinishedErrors: [],
      runWarnings: [],
    });
    expect(summary).toMatchObject({ searchedFiles: 1, matchedFiles: 1, rows: 3, failedFiles: 0 });
    const output = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as api.SearchOutput;
    expect(output.results.map((row) => [row.billing_code, row.negotiated_rate, row.negotiated_type]).sort()).toEqual([
      ['73721', 412, 'negotiated'],
      ['73721', 55, 'percentage'],
      ['99213', 140, 'negotiated'],
    ]);
  });
});
