import { createReadStream, createWriteStream } from 'node:fs';
import { makeDirectory } from '../shared/make-directory.js';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { awsClientConfig } from '../shared/aws-config.js';
import { NpiRatesError } from '../shared/errors.js';
import { awsCall, awsErrorName, describeAwsFailure } from './aws-call.js';
import { formatS3Uri, parseS3Uri } from './s3-uri.js';

// The pure URI helpers live in s3-uri.ts, which callers that may never touch S3 import without the SDK.
export { formatS3Uri, isS3Uri, parseS3Uri, type S3Location } from './s3-uri.js';

export interface S3ObjectSummary {
  key: string;
  /** `s3://bucket/key` */
  uri: string;
  sizeBytes: number;
}

/** Multipart part size for uploads: 16 MiB keeps a 10,000-part upload able to hold 160 GB. */
const UPLOAD_PART_SIZE_BYTES = 16 * 1024 * 1024;
const UPLOAD_PARALLEL_PARTS = 4;

const clientsByConfig = new Map<string, S3Client>();

/** One S3 client per region and endpoint; follows region redirects so any bucket region works. */
export function s3Client(region?: string): S3Client {
  const config = awsClientConfig(region);
  const cacheKey = JSON.stringify(config);
  let client = clientsByConfig.get(cacheKey);
  if (!client) {
    client = new S3Client({ ...config, followRegionRedirects: true });
    clientsByConfig.set(cacheKey, client);
  }
  return client;
}

export async function readS3Text(uri: string, region?: string): Promise<string> {
  const { bucket, key } = parseS3Uri(uri);
  return awsCall({ action: 's3:GetObject', resource: uri }, async () => {
    const response = await s3Client(region).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!response.Body) return '';
    return response.Body.transformToString('utf8');
  });
}

/** Small objects (URL chunks, run state) in one PUT. */
export async function writeS3Text(uri: string, text: string, region?: string, contentType = 'text/plain'): Promise<void> {
  const { bucket, key } = parseS3Uri(uri);
  await awsCall({ action: 's3:PutObject', resource: uri }, () =>
    s3Client(region).send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: text, ContentType: contentType }),
    ),
  );
}

/**
 * Uploads a local file of any size with a multipart upload (lib-storage aborts the upload and
 * removes its parts when a part fails, so nothing half-written is left billed in the bucket).
 */
export async function uploadFileToS3(localPath: string, uri: string, region?: string): Promise<void> {
  const { bucket, key } = parseS3Uri(uri);
  await awsCall({ action: 's3:PutObject', resource: uri }, async () => {
    const upload = new Upload({
      client: s3Client(region),
      params: { Bucket: bucket, Key: key, Body: createReadStream(localPath) },
      partSize: UPLOAD_PART_SIZE_BYTES,
      queueSize: UPLOAD_PARALLEL_PARTS,
    });
    await upload.done();
  });
}

/** Every object under a prefix (`s3://bucket/prefix/`), in key order. */
export async function listS3Objects(prefixUri: string, region?: string): Promise<S3ObjectSummary[]> {
  const { bucket, key: prefix } = parseS3Uri(prefixUri);
  const objects: S3ObjectSummary[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await awsCall({ action: 's3:ListBucket', resource: prefixUri }, () =>
      s3Client(region).send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: continuationToken }),
      ),
    );
    for (const object of page.Contents ?? []) {
      if (!object.Key) continue;
      objects.push({ key: object.Key, uri: formatS3Uri(bucket, object.Key), sizeBytes: object.Size ?? 0 });
    }
    continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (continuationToken);
  return objects;
}

/** Streams one object to a local file (no whole-object buffering). */
export async function downloadS3File(uri: string, localPath: string, region?: string): Promise<void> {
  const { bucket, key } = parseS3Uri(uri);
  await awsCall({ action: 's3:GetObject', resource: uri }, async () => {
    const response = await s3Client(region).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    await makeDirectory(path.dirname(localPath));
    await pipeline(response.Body as Readable, createWriteStream(localPath));
  });
}

/**
 * Downloads every object under a prefix into `destDir`, keeping the key's path below the prefix,
 * and returns the local paths in key order.
 */
export async function downloadS3Prefix(prefixUri: string, destDir: string, region?: string): Promise<string[]> {
  const { key: prefix } = parseS3Uri(prefixUri);
  const localPaths: string[] = [];
  for (const object of await listS3Objects(prefixUri, region)) {
    if (object.key.endsWith('/')) continue;
    const relative = object.key.slice(prefix.length).replace(/^\/+/, '') || path.basename(object.key);
    const localPath = path.join(destDir, ...relative.split('/').filter((part) => part !== '..'));
    await downloadS3File(object.uri, localPath, region);
    localPaths.push(localPath);
  }
  return localPaths;
}

/** Deletes every object under a prefix, 1,000 keys per request (the DeleteObjects limit). */
export async function deleteS3Prefix(prefixUri: string, region?: string): Promise<number> {
  const { bucket } = parseS3Uri(prefixUri);
  const keys = (await listS3Objects(prefixUri, region)).map((object) => object.key);
  for (let start = 0; start < keys.length; start += 1000) {
    const batch = keys.slice(start, start + 1000);
    await awsCall({ action: 's3:DeleteObject', resource: prefixUri }, () =>
      s3Client(region).send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
      ),
    );
  }
  return keys.length;
}

/** Whether an object exists (HEAD); any answer other than found / not found is an error. */
export async function s3ObjectExists(uri: string, region?: string): Promise<boolean> {
  const { bucket, key } = parseS3Uri(uri);
  try {
    await s3Client(region).send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if (awsErrorName(error) === 'NotFound' || awsErrorName(error) === 'NoSuchKey') return false;
    throw describeAwsFailure(error, { action: 's3:GetObject', resource: uri });
  }
}

/**
 * Checks before a long search that an S3 output can plausibly be written: credentials exist and
 * the bucket does (a HEAD of the bucket). An identity allowed to write objects but not to list
 * the bucket is refused the HEAD (403); that is let through, since only the upload can tell.
 */
export async function checkS3OutputReachable(uri: string, region?: string): Promise<void> {
  const { bucket } = parseS3Uri(uri);
  try {
    await s3Client(region).send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const failure = describeAwsFailure(error, { action: 's3:ListBucket', resource: `s3://${bucket}` });
    if (failure.code === 'NPI_RATES_AWS_ACCESS_DENIED' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403) return;
    if (awsErrorName(error) === 'NotFound' || awsErrorName(error) === 'NoSuchBucket') {
      throw new NpiRatesError('NPI_RATES_AWS_ERROR', `the bucket of the output ${uri} does not exist`, {
        hint: 'check the bucket name, or create it first (npi-rates cloud-setup --s3-bucket NAME creates one)',
        exitCode: failure.exitCode,
        cause: error,
      });
    }
    throw failure;
  }
}
