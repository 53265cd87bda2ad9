import { describe, expect, it } from 'vitest';
import { httpStatusError } from '../../src/sources/http-errors.js';
import { signedUrlExpiry } from '../../src/sources/open-source.js';
import { describeSignedUrlRefusal } from '../../src/sources/signed-url.js';

const cloudFront =
  'https://d1example.cloudfront.test/mrf/2023-11_ppo.json.gz?Expires=1700000000&Signature=abc&Key-Pair-Id=K0EXAMPLE';
const afterExpiry = Date.parse('2024-01-01T00:00:00Z');

describe('signedUrlExpiry', () => {
  it('reads CloudFront Expires (epoch seconds)', () => {
    expect(signedUrlExpiry(cloudFront)?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
  });

  it('reads S3 SigV4 X-Amz-Date plus X-Amz-Expires', () => {
    const url = 'https://bucket.s3.amazonaws.com/a.json.gz?X-Amz-Date=20231114T221320Z&X-Amz-Expires=3600&X-Amz-Signature=f00';
    expect(signedUrlExpiry(url)?.toISOString()).toBe('2023-11-14T23:13:20.000Z');
  });

  it('reads an Azure SAS se= date', () => {
    const url = 'https://acct.blob.core.windows.net/c/rates.zip?sv=2021-08-06&se=2023-11-14T22%3A13%3A20Z&sig=xyz';
    expect(signedUrlExpiry(url)?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
  });

  it('finds nothing in an unsigned URL or a local path', () => {
    expect(signedUrlExpiry('https://example.test/rates.json.gz?id=42')).toBeUndefined();
    expect(signedUrlExpiry('/data/rates.json.gz')).toBeUndefined();
  });
});

describe('a 403 on a signed URL', () => {
  it('says the link expired, with the date, and redacts the signature (BUG-30)', () => {
    const error = httpStatusError(403, { url: cloudFront, finalUrl: cloudFront }, '', afterExpiry);
    expect(error.message).toBe(
      'HTTP 403 for https://d1example.cloudfront.test/mrf/2023-11_ppo.json.gz: signed URL expired (Expires=1700000000, 2023-11-14T22:13:20Z); re-fetch the table of contents for fresh links',
    );
    expect(error.details.status).toBe(403);
  });

  it('says "may have expired" within the clock skew, and "valid until" well before', () => {
    const justBefore = Date.parse('2023-11-14T22:10:00Z');
    expect(describeSignedUrlRefusal(cloudFront, justBefore)).toBe(
      'signed URL may have expired (Expires=1700000000, 2023-11-14T22:13:20Z; clocks can differ by minutes); re-fetch the table of contents for fresh links',
    );
    const dayBefore = Date.parse('2023-11-13T22:13:20Z');
    expect(describeSignedUrlRefusal(cloudFront, dayBefore)).toMatch(/^access denied although the signed URL is valid until 2023-11-14T22:13:20Z/);
  });

  it('names the redirect target when the refusal came after a redirect', () => {
    const error = httpStatusError(403, { url: 'https://files.example.test/download?id=42', finalUrl: cloudFront }, '', afterExpiry);
    expect(error.message).toBe(
      'HTTP 403 for https://files.example.test/download?id=42 (redirected to https://d1example.cloudfront.test/mrf/2023-11_ppo.json.gz): signed URL expired (Expires=1700000000, 2023-11-14T22:13:20Z); re-fetch the table of contents for fresh links',
    );
  });
});
