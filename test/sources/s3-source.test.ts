/**
 * S3 sources. Plain reads and errors run against moto_server; the faults (drop, stall, change of
 * the object) run against the fault-injecting HTTP server posing as a path-style S3 endpoint,
 * since moto cannot break a connection on cue.
 */
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { awsClientConfig } from '../../src/shared/aws-config.js';
import { openByteStream, type SourceOptions } from '../../src/sources/open-source.js';
import { startFlakyServer, strongEtagOf, type FlakyServer } from '../helpers/flaky-http-server.js';
import { collectBytes } from '../helpers/gzip-fixtures.js';
import { startMoto } from '../helpers/moto.js';

const file = randomBytes(2 * 1024 * 1024 + 17);
let notices: string[] = [];
const options = (): SourceOptions => ({
  minBackoffMs: 5,
  maxBackoffMs: 20,
  stallTimeoutMs: 750,
  onNotice: (message) => notices.push(message),
});

describe('openByteStream on s3:// against moto', () => {
  let moto: { endpoint: string; stop(): Promise<void> };

  beforeAll(async () => {
    moto = await startMoto();
    const client = new S3Client(awsClientConfig());
    await client.send(new CreateBucketCommand({ Bucket: 'mrf-bucket' }));
    await client.send(new PutObjectCommand({ Bucket: 'mrf-bucket', Key: 'plans/2024-01/rates.json.gz', Body: file }));
    client.destroy();
  });

  afterAll(async () => {
    await moto.stop();
  });

  it('reads an object whole and tells its size', async () => {
    const source = await openByteStream('s3://mrf-bucket/plans/2024-01/rates.json.gz', options());
    expect(source.totalBytes).toBe(file.length);
    expect((await collectBytes(source.chunks)).equals(file)).toBe(true);
  });

  it('names a missing key without retrying', async () => {
    notices = [];
    await expect(openByteStream('s3://mrf-bucket/plans/missing.json.gz', options())).rejects.toMatchObject({
      code: 'NPI_RATES_S3_NOT_FOUND',
      message: 's3://mrf-bucket/plans/missing.json.gz: not found (NoSuchKey)',
      details: { status: 404 },
    });
    expect(notices).toEqual([]);
  });

  it('names a missing bucket', async () => {
    await expect(openByteStream('s3://no-such-bucket/rates.json', options())).rejects.toMatchObject({
      code: 'NPI_RATES_S3_NOT_FOUND',
      message: 's3://no-such-bucket/rates.json: not found (NoSuchBucket)',
    });
  });

  it('refuses an s3 URI without a key', async () => {
    await expect(openByteStream('s3://mrf-bucket', options())).rejects.toMatchObject({ code: 'NPI_RATES_BAD_S3_URI' });
  });
});

describe('openByteStream on s3:// when the connection fails', () => {
  let server: FlakyServer;
  const saved: Record<string, string | undefined> = {};
  const names = ['NPI_RATES_AWS_ENDPOINT', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'];

  beforeEach(async () => {
    server = await startFlakyServer();
    notices = [];
    for (const name of names) saved[name] = process.env[name];
    Object.assign(process.env, {
      NPI_RATES_AWS_ENDPOINT: server.origin,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
    });
  });

  afterEach(async () => {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await server.close();
  });

  it('resumes a dropped GetObject with Range and IfMatch on the first ETag', async () => {
    server.serve('/mrf-bucket/rates.json.gz', { body: file, faults: [{ kind: 'drop-after', bytes: 700_000 }] });
    const source = await openByteStream('s3://mrf-bucket/rates.json.gz', options());
    expect((await collectBytes(source.chunks)).equals(file)).toBe(true);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1].range).toBe('bytes=700000-');
    expect(server.requests[1].ifMatch).toBe(strongEtagOf(file));
    expect(notices[0]).toMatch(/^s3:\/\/mrf-bucket\/rates\.json\.gz: connection failed \(.+\) at byte 700,000 of 2,097,169; retry 1\/8/);
  });

  it('resumes after a stall and after a 503', async () => {
    server.serve('/mrf-bucket/rates.json.gz', {
      body: file,
      faults: [{ kind: 'stall-after', bytes: 100_000 }, { kind: 'status', status: 503, body: '<Error><Code>SlowDown</Code></Error>' }],
    });
    const source = await openByteStream('s3://mrf-bucket/rates.json.gz', options());
    expect((await collectBytes(source.chunks)).equals(file)).toBe(true);
    expect(server.requests.map((request) => request.range)).toEqual([undefined, 'bytes=100000-', 'bytes=100000-']);
    expect(notices[0]).toMatch(/no data for 0\.75 s at byte 100,000/);
    expect(notices[1]).toMatch(/HTTP 503 at byte 100,000/);
  });

  it('fails with NPI_RATES_SOURCE_CHANGED when the object was replaced before the resume', async () => {
    server.serve('/mrf-bucket/rates.json.gz', {
      body: file,
      faults: [{ kind: 'drop-after', bytes: 300_000 }, { kind: 'replace-file', body: randomBytes(file.length) }],
    });
    const source = await openByteStream('s3://mrf-bucket/rates.json.gz', options());
    await expect(collectBytes(source.chunks)).rejects.toMatchObject({
      code: 'NPI_RATES_SOURCE_CHANGED',
      message:
        's3://mrf-bucket/rates.json.gz: the object changed in S3 after 300,000 bytes had been read (If-Match failed); the two versions cannot be joined',
    });
  });

  it('fails with NPI_RATES_SOURCE_CHANGED when a store ignores If-Match and answers the resume with another ETag', async () => {
    const replacement = randomBytes(file.length);
    server.serve('/mrf-bucket/rates.json.gz', {
      body: file,
      honourConditionals: false,
      faults: [{ kind: 'drop-after', bytes: 300_000 }, { kind: 'replace-file', body: replacement }],
    });
    const source = await openByteStream('s3://mrf-bucket/rates.json.gz', options());
    await expect(collectBytes(source.chunks)).rejects.toMatchObject({
      code: 'NPI_RATES_SOURCE_CHANGED',
      message:
        `s3://mrf-bucket/rates.json.gz: the object changed in S3 after 300,000 bytes had been read (ETag changed from ${strongEtagOf(file)} ` +
        `to ${strongEtagOf(replacement)}, and the store ignored If-Match); the two versions cannot be joined`,
    });
  });

  it('fails with NPI_RATES_RANGE_IGNORED, instead of splicing the object onto itself, when a store answers the resume with the whole object', async () => {
    server.serve('/mrf-bucket/rates.json.gz', { body: file, faults: [{ kind: 'drop-after', bytes: 300_000 }, { kind: 'ignore-range' }] });
    const source = await openByteStream('s3://mrf-bucket/rates.json.gz', options());
    await expect(collectBytes(source.chunks)).rejects.toMatchObject({
      code: 'NPI_RATES_RANGE_IGNORED',
      message:
        's3://mrf-bucket/rates.json.gz: the store ignored Range when resuming at byte 300,000 (it sent no Content-Range, so the whole object again); the read cannot continue where it broke off',
    });
    expect(server.requests.map((request) => request.range)).toEqual([undefined, 'bytes=300000-']);
  });
});
