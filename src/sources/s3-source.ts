import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { awsClientConfig } from '../shared/aws-config.js';
import { NpiRatesError } from '../shared/errors.js';
import type { ByteStream } from './byte-source.js';
import { parseContentRange, parseUnsatisfiedRangeLength } from './remote-identity.js';
import { errorCode, isRetryableErrorCode, isRetryableStatus } from './retry-policy.js';
import { RetryableStatusError, RetryTracker } from './retry-tracker.js';
import { formatByteCount, type ResolvedSourceOptions } from './source-options.js';
import { failOnStall } from './stall-timeout.js';

export interface S3Location {
  bucket: string;
  key: string;
}

/** `s3://bucket/key/with/slashes`; the key is taken literally (S3 URIs are not percent-encoded). */
export function parseS3Location(location: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
  if (!match) {
    throw new NpiRatesError('NPI_RATES_BAD_S3_URI', `not an S3 object URI: ${location}`, {
      hint: 'write it as s3://bucket/key',
    });
  }
  return { bucket: match[1], key: match[2] };
}

type S3Body = AsyncIterable<Uint8Array> & { destroy?: (error?: Error) => unknown };

interface S3Failure {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string> };
}

function statusOf(error: unknown): number | undefined {
  return (error as S3Failure | undefined)?.$metadata?.httpStatusCode;
}

/** The SDK's error as this tool reports it: not found and access denied say what to check. */
function s3Error(error: unknown, label: string): NpiRatesError {
  const status = statusOf(error);
  const name = (error as S3Failure).name ?? 'Error';
  if (name === 'NoSuchKey' || name === 'NoSuchBucket' || status === 404) {
    return new NpiRatesError('NPI_RATES_S3_NOT_FOUND', `${label}: not found (${name})`, {
      hint: 'check the bucket and key', cause: error, details: { status: status ?? 404 },
    });
  }
  if (status === 403 || name === 'AccessDenied') {
    return new NpiRatesError('NPI_RATES_S3_ACCESS_DENIED', `${label}: access denied (${name})`, {
      hint: 'check the AWS credentials (AWS_PROFILE or AWS_ACCESS_KEY_ID) and the bucket policy',
      cause: error, details: { status: status ?? 403 },
    });
  }
  const message = (error as S3Failure).message ?? String(error);
  if (name === 'CredentialsProviderError' || name === 'InvalidAccessKeyId' || name === 'ExpiredToken' || name === 'SignatureDoesNotMatch') {
    return new NpiRatesError('NPI_RATES_S3_ACCESS_DENIED', `${label}: AWS credentials are missing or not valid (${name}: ${message})`, {
      hint: 'set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws sso login`; a public object can be read over https:// instead',
      cause: error,
      details: { status },
    });
  }
  return new NpiRatesError('NPI_RATES_S3_FAILED', `${label}: ${name}: ${message}`, { cause: error, details: { status } });
}

/** Turns a retryable SDK failure into what RetryTracker understands; rethrows anything final. */
function classifyFailure(error: unknown, label: string): unknown {
  if (error instanceof NpiRatesError) return error;
  const status = statusOf(error);
  if (status !== undefined) {
    return isRetryableStatus(status) ? new RetryableStatusError(s3Error(error, label), status) : s3Error(error, label);
  }
  const name = (error as S3Failure | undefined)?.name;
  if (isRetryableErrorCode(errorCode(error)) || name === 'TimeoutError') return error;
  return name === 'AbortError' ? error : s3Error(error, label);
}

function sourceChanged(label: string, position: number, reason = 'If-Match failed'): NpiRatesError {
  return new NpiRatesError(
    'NPI_RATES_SOURCE_CHANGED',
    `${label}: the object changed in S3 after ${formatByteCount(position)} bytes had been read (${reason}); the two versions cannot be joined`,
    { hint: 'read this file again from the start (run the command again) to get the new version', details: { position } },
  );
}

/** Failures of a resumed read that no retry can mend: the bytes would not continue the ones passed on. */
const CANNOT_CONTINUE = new Set(['NPI_RATES_SOURCE_CHANGED', 'NPI_RATES_RANGE_IGNORED', 'NPI_RATES_BAD_CONTENT_RANGE']);

/**
 * S3 honours Range and If-Match, but S3-compatible stores and proxies may not: a resumed answer
 * must start at the byte asked for and carry the first answer's ETag, or its bytes would be
 * spliced onto the others unseen.
 */
function checkResumedResponse(label: string, response: GetObjectCommandOutput, position: number, etag: string | undefined): void {
  if (etag !== undefined && response.ETag !== undefined && response.ETag !== etag) {
    (response.Body as S3Body | undefined)?.destroy?.();
    throw sourceChanged(label, position, `ETag changed from ${etag} to ${response.ETag}, and the store ignored If-Match`);
  }
  const range = parseContentRange(response.ContentRange);
  if (range?.start === position) return;
  (response.Body as S3Body | undefined)?.destroy?.();
  if (response.ContentRange === undefined) {
    throw new NpiRatesError(
      'NPI_RATES_RANGE_IGNORED',
      `${label}: the store ignored Range when resuming at byte ${formatByteCount(position)} (it sent no Content-Range, so the whole object again); the read cannot continue where it broke off`,
      { hint: 'read this file again from the start (run the command again); if the connection keeps dropping, copy the object with `aws s3 cp` and give npi-rates the copy', details: { position } },
    );
  }
  throw new NpiRatesError(
    'NPI_RATES_BAD_CONTENT_RANGE',
    `${label}: asked for bytes from ${formatByteCount(position)} but the store sent Content-Range "${response.ContentRange}"`,
    { hint: 'the store handles ranged reads wrongly: run the command again, or copy the object with `aws s3 cp` and give npi-rates the copy', details: { position } },
  );
}

/**
 * An S3 object as a resumable byte stream: plain GetObject first, then after any drop, stall or
 * retryable error a ranged GetObject from the last byte received with IfMatch on the first ETag.
 * The SDK's own retries are off (maxAttempts 1) so one policy decides and reports every retry.
 */
export async function openS3Stream(location: string, options: ResolvedSourceOptions): Promise<ByteStream> {
  const { bucket, key } = parseS3Location(location);
  const label = `s3://${bucket}/${key}`;
  // Loaded on first use: the SDK takes most of a second to import, and most searches read HTTP.
  const { GetObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
  const client = new S3Client({
    ...awsClientConfig(),
    maxAttempts: 1,
    followRegionRedirects: true,
    // A ranged read cannot be checked against a whole-object checksum.
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const send = (position: number, etag: string | undefined): Promise<GetObjectCommandOutput> =>
    client.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        Range: position > 0 ? `bytes=${position}-` : undefined,
        IfMatch: position > 0 ? etag : undefined,
      }),
      { abortSignal: options.signal },
    );

  const firstTracker = new RetryTracker(options, label, 0);
  let first: GetObjectCommandOutput;
  for (;;) {
    try {
      first = await send(0, undefined);
      break;
    } catch (error) {
      await firstTracker.afterFailure(classifyFailure(error, label), 0, undefined);
    }
  }
  const etag = first.ETag;
  const totalBytes = first.ContentLength;

  async function* readChunks(): AsyncGenerator<Uint8Array> {
    const tracker = new RetryTracker(options, label, 0);
    let position = 0;
    let pending: GetObjectCommandOutput | undefined = first;
    try {
      for (;;) {
        let body: S3Body | undefined;
        try {
          const response: GetObjectCommandOutput = pending ?? (await send(position, etag));
          if (pending === undefined) checkResumedResponse(label, response, position, etag);
          pending = undefined;
          body = response.Body as S3Body | undefined;
          if (!body) throw new NpiRatesError('NPI_RATES_S3_FAILED', `${label}: GetObject returned no body`);
          for await (const chunk of failOnStall(body, options.stallTimeoutMs)) {
            position += chunk.length;
            options.onBytes?.(position);
            yield chunk;
          }
          if (totalBytes !== undefined && position < totalBytes) {
            throw Object.assign(new Error('response ended early'), { code: 'NPI_RATES_SHORT_BODY' });
          }
          return;
        } catch (error) {
          body?.destroy?.();
          if (error instanceof NpiRatesError && CANNOT_CONTINUE.has(error.code)) throw error;
          const status = statusOf(error);
          if (status === 412) throw sourceChanged(label, position);
          if (status === 416 && totalBytes !== undefined && position >= totalBytes) return;
          if (status === 416) {
            const length = parseUnsatisfiedRangeLength((error as S3Failure).$response?.headers?.['content-range']);
            if (length !== undefined && position >= length) return;
          }
          await tracker.afterFailure(classifyFailure(error, label), position, totalBytes);
        } finally {
          body?.destroy?.();
        }
      }
    } finally {
      (pending?.Body as S3Body | undefined)?.destroy?.();
      client.destroy();
    }
  }

  return { chunks: readChunks(), totalBytes };
}
