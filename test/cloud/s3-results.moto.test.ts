import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { CreateBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { main } from '../../src/cli/main.js';
import {
  downloadS3Prefix,
  listS3Objects,
  parseS3Uri,
  readS3Text,
  s3Client,
  s3ObjectExists,
  uploadFileToS3,
  writeS3Text,
} from '../../src/cloud/s3-results.js';
import type { SearchOutput } from '../../src/search/rate-row.js';
import { useMotoPerFile } from './aws-test-env.js';
import { captureIo } from '../helpers/capture-io.js';
import { makeTemporaryDir, removeTemporaryDirs } from './cloud-run-env.js';

useMotoPerFile(removeTemporaryDirs);
beforeEach(async () => {
  await s3Client().send(new CreateBucketCommand({ Bucket: 'results-bucket' }));
});

function result(sourceFile: string, searched: number, seconds: number): SearchOutput {
  return {
    search_params: { npis: [1234567893], searched_files: searched, matched_files: 1, duration_seconds: seconds },
    results: [
      {
        source_file: sourceFile, npi: 1234567893, tin: { type: 'ein', value: '12-3456789' }, billing_code_type: 'CPT', billing_code: '99213',
        billing_code_description: null, negotiation_arrangement: 'ffs', negotiated_rate: 80, negotiated_type: 'negotiated',
        billing_class: 'professional', expiration_date: null, service_code: [], billing_code_modifier: [], occurrences: 1,
      },
    ],
    errors: [],
    warnings: [],
  };
}

describe('S3 helpers against moto', () => {
  it('parses s3:// locations and refuses anything else, naming it', () => {
    expect(parseS3Uri('s3://bucket/run-1/results/')).toEqual({ bucket: 'bucket', key: 'run-1/results/' });
    expect(parseS3Uri('s3://bucket')).toEqual({ bucket: 'bucket', key: '' });
    expect(() => parseS3Uri('https://bucket.s3.amazonaws.com/x')).toThrowError("'https://bucket.s3.amazonaws.com/x' is not an S3 location");
  });

  it('uploads a 40 MB file in several multipart parts and reads it back byte for byte', async () => {
    const dir = await makeTemporaryDir('s3-test-');
    const local = path.join(dir, 'big.json');
    const line = `${JSON.stringify({ filler: 'x'.repeat(1000) })}\n`;
    const text = line.repeat(Math.ceil((40 * 1024 * 1024) / line.length));
    await writeFile(local, text);
    await uploadFileToS3(local, 's3://results-bucket/run-1/results/task-1.json');
    const [object] = await listS3Objects('s3://results-bucket/run-1/');
    expect(object).toEqual({ key: 'run-1/results/task-1.json', uri: 's3://results-bucket/run-1/results/task-1.json', sizeBytes: Buffer.byteLength(text) });
    expect((await readS3Text(object.uri)).length).toBe(text.length);
    // A multipart upload's ETag ends with the part count: 40 MB in 16 MiB parts is 3.
    const head = await s3Client().send(new HeadObjectCommand({ Bucket: 'results-bucket', Key: object.key }));
    expect(head.ETag).toMatch(/-3"$/);
  });

  it('downloads every object under a prefix, keeping the folders below it', async () => {
    await writeS3Text('s3://results-bucket/run-1/results/task-1.json', '{"a":1}');
    await writeS3Text('s3://results-bucket/run-1/results/task-2.json', '{"b":2}');
    await writeS3Text('s3://results-bucket/run-1/urls/chunk-1.txt', 'https://x\n');
    await writeS3Text('s3://results-bucket/run-10/results/task-1.json', 'not this run');
    const dir = await makeTemporaryDir('s3-test-');
    const paths = await downloadS3Prefix('s3://results-bucket/run-1/', dir);
    expect(paths.map((local) => path.relative(dir, local))).toEqual(['results/task-1.json', 'results/task-2.json', 'urls/chunk-1.txt']);
    expect(await readFile(path.join(dir, 'results', 'task-2.json'), 'utf8')).toBe('{"b":2}');
  });

  it('tells whether an object exists', async () => {
    await writeS3Text('s3://results-bucket/here.txt', 'x');
    expect(await s3ObjectExists('s3://results-bucket/here.txt')).toBe(true);
    expect(await s3ObjectExists('s3://results-bucket/missing.txt')).toBe(false);
  });

  it('reports a missing object as the failed action on that location', async () => {
    await expect(readS3Text('s3://results-bucket/nope.json')).rejects.toMatchObject({
      code: 'NPI_RATES_AWS_ERROR',
      message: expect.stringMatching(/^s3:GetObject on s3:\/\/results-bucket\/nope\.json failed \(NoSuchKey/),
    });
  });
});

describe('npi-rates search -o s3:// against moto', () => {
  it('writes the output to S3, and refuses a bucket that does not exist before reading any file', async () => {
    const sample = path.resolve('samples', 'in-network-sample.json.gz');
    const capture = captureIo();
    const args = ['node', 'npi-rates', 'search', '--npi', '1234567893', '--url', sample, '--no-progress', '--no-lookup'];
    expect(await main([...args, '-o', 's3://results-bucket/out.json'], capture.io), capture.stderr()).toBe(0);
    expect((JSON.parse(await readS3Text('s3://results-bucket/out.json')) as SearchOutput).results).toHaveLength(3);

    const missing = captureIo();
    expect(await main([...args, '-o', 's3://no-such-bucket/out.json'], missing.io)).toBe(3);
    expect(missing.stderr()).toContain(
      'error: the bucket of the output s3://no-such-bucket/out.json does not exist (check the bucket name, or create it first (npi-rates cloud-setup --s3-bucket NAME creates one))',
    );
    expect(missing.stderr()).not.toContain('searching');
  });

  it('writes into an S3 bucket or folder given without a file name under the default results name', async () => {
    const sample = path.resolve('samples', 'in-network-sample.json.gz');
    const args = ['node', 'npi-rates', 'search', '--npi', '1234567893', '--url', sample, '--no-progress', '--no-lookup'];
    for (const [output, folder] of [['s3://results-bucket/', ''], ['s3://results-bucket/runs/', 'runs/']]) {
      const capture = captureIo();
      expect(await main([...args, '-o', output], capture.io), capture.stderr()).toBe(0);
      const written = /results in (s3:\/\/\S+)/.exec(capture.stderr())?.[1];
      expect(written).toMatch(new RegExp(`^s3://results-bucket/${folder}results_\\d{8}_\\d{6}(-\\d+)?\\.json$`));
      expect((JSON.parse(await readS3Text(written!)) as SearchOutput).results).toHaveLength(3);
    }
  });
});

describe('npi-rates merge from S3 against moto', () => {
  it('merges every .json result under a prefix in natural order and writes the output to S3', async () => {
    await writeS3Text('s3://results-bucket/run-1/results/task-10.json', JSON.stringify(result('ten.json', 1, 30)));
    await writeS3Text('s3://results-bucket/run-1/results/task-2.json', JSON.stringify(result('two.json', 2, 50)));
    await writeS3Text('s3://results-bucket/run-1/results/task-2.json.hung-once', 'marker, not a result');
    const capture = captureIo();
    const exitCode = await main(['node', 'npi-rates', 'merge', 's3://results-bucket/run-1/results', '-o', 's3://results-bucket/run-1/merged.json'], capture.io);
    expect(exitCode, capture.stderr()).toBe(0);
    const merged = JSON.parse(await readS3Text('s3://results-bucket/run-1/merged.json')) as SearchOutput;
    expect(merged.results.map((row) => row.source_file)).toEqual(['two.json', 'ten.json']);
    expect(merged.search_params).toEqual({ npis: [1234567893], searched_files: 3, matched_files: 2, duration_seconds: 50 });
    expect(capture.stderr()).toContain('merged 2 result files: 3 files searched, 2 matched, 2 rates -> s3://results-bucket/run-1/merged.json');
  });

  it('takes only the objects right under a prefix, and the results of a cloud-run folder named by its run folder', async () => {
    await writeS3Text('s3://results-bucket/run-2/run.json', JSON.stringify({ runId: 'run-2' }));
    await writeS3Text('s3://results-bucket/run-2/urls/chunk-1.json', '["https://x.test/a.json"]');
    await writeS3Text('s3://results-bucket/run-2/results/task-2.json', JSON.stringify(result('two.json', 2, 5)));
    await writeS3Text('s3://results-bucket/run-2/results/task-1.json', JSON.stringify(result('one.json', 1, 5)));
    await writeS3Text('s3://results-bucket/run-2/results/old/task-0.json', JSON.stringify(result('old.json', 1, 5)));
    for (const location of ['s3://results-bucket/run-2/', 's3://results-bucket/run-2/results/']) {
      const capture = captureIo();
      expect(await main(['node', 'npi-rates', 'merge', location, '-o', '-'], capture.io), capture.stderr()).toBe(0);
      expect((JSON.parse(capture.stdout()) as SearchOutput).results.map((row) => row.source_file)).toEqual(['one.json', 'two.json']);
    }
  });

  it('merges a single S3 object named without a trailing slash', async () => {
    await writeS3Text('s3://results-bucket/one.json', JSON.stringify(result('one.json', 1, 1)));
    const capture = captureIo();
    expect(await main(['node', 'npi-rates', 'merge', 's3://results-bucket/one.json', '-o', '-'], capture.io)).toBe(0);
    expect((JSON.parse(capture.stdout()) as SearchOutput).results).toHaveLength(1);
  });

  it('refuses a prefix holding no result files', async () => {
    const capture = captureIo();
    expect(await main(['node', 'npi-rates', 'merge', 's3://results-bucket/empty/', '-o', '-'], capture.io)).toBe(2);
    expect(capture.stderr()).toContain("error: 's3://results-bucket/empty/' holds no .json result files");
  });
});
