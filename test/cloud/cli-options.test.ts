import { afterEach, describe, expect, it } from 'vitest';
import { checkBucketName, resolveRegion } from '../../src/cloud/cli-options.js';
import { main } from '../../src/cli/main.js';
import { captureIo } from '../helpers/capture-io.js';

describe('checkBucketName', () => {
  it('takes the names S3 allows, with or without s3:// and a trailing slash', () => {
    expect(checkBucketName('my-npi-rates.runs')).toBe('my-npi-rates.runs');
    expect(checkBucketName('s3://npi-runs/')).toBe('npi-runs');
  });

  it('refuses what S3 refuses: case, length, two dots, an IP address, reserved prefixes and suffixes', () => {
    for (const name of ['Bad_Bucket', 'ab', 'my..bucket', '192.168.1.1', 'xn--abc', 'sthree-x', 'runs-s3alias', 'runs--ol-s3', `${'a'.repeat(64)}`]) {
      expect(() => checkBucketName(name), name).toThrow(`--s3-bucket '${name}' is not a valid S3 bucket name`);
    }
  });
});

describe('resolveRegion', () => {
  const saved = { AWS_REGION: process.env.AWS_REGION, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION };
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('takes --region, then AWS_REGION, in lower case', () => {
    expect(resolveRegion('US-EAST-1')).toBe('us-east-1');
    expect(resolveRegion('us-gov-west-1')).toBe('us-gov-west-1');
    process.env.AWS_REGION = 'eu-central-2';
    expect(resolveRegion(undefined)).toBe('eu-central-2');
  });

  it('refuses a name that is no AWS region (exit 2), before any AWS call', async () => {
    expect(() => resolveRegion('mars-1')).toThrow("the region 'mars-1' is not an AWS region name");
    const capture = captureIo();
    const exitCode = await main(['node', 'npi-rates', 'cloud-setup', '--s3-bucket', 'npi-runs', '--region', 'moon'], capture.io);
    expect(exitCode).toBe(2);
    expect(capture.stderr()).toContain("the region 'moon' is not an AWS region name");
  });

  it('cloud-setup refuses an empty --image (exit 2)', async () => {
    const capture = captureIo();
    const exitCode = await main(['node', 'npi-rates', 'cloud-setup', '--s3-bucket', 'npi-runs', '--region', 'us-east-1', '--image', ' '], capture.io);
    expect(exitCode).toBe(2);
    expect(capture.stderr()).toContain('--image is empty');
  });
});
