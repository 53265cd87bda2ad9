import { usageError } from '../shared/errors.js';

/** Bucket and key of an `s3://bucket/key` location; the key may be empty or end in `/` (a prefix). */
export interface S3Location {
  bucket: string;
  key: string;
}

export function isS3Uri(location: string): boolean {
  return location.startsWith('s3://');
}

export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(uri);
  if (!match || !match[1]) {
    throw usageError(
      'NPI_RATES_BAD_S3_URI',
      `'${uri}' is not an S3 location`,
      'write it as s3://bucket/key (or s3://bucket/prefix/ for a folder)',
    );
  }
  return { bucket: match[1], key: match[2] ?? '' };
}

export function formatS3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}
