import { usageError } from '../shared/errors.js';

/** Option parsers shared by the cloud-* commands (commander calls them with the raw text). */
export function parsePositiveNumber(flag: string) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) {
      throw usageError('NPI_RATES_BAD_NUMBER', `${flag} '${text}' is not a positive number`, `give ${flag} a number above 0`);
    }
    return value;
  };
}

export function parsePositiveInteger(flag: string) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value <= 0) {
      throw usageError('NPI_RATES_BAD_NUMBER', `${flag} '${text}' is not a whole number above 0`, `give ${flag} a whole number such as 3`);
    }
    return value;
  };
}

/** `a,b , c` -> ['a', 'b', 'c']; repeated flags add up. */
export function collectList(text: string, previous: string[] = []): string[] {
  return [...previous, ...text.split(',').map((item) => item.trim()).filter((item) => item !== '')];
}

/** Bucket names as S3 allows them: 3-63 lower-case letters, digits, dots and hyphens. */
export function checkBucketName(bucket: string): string {
  const name = bucket.replace(/^s3:\/\//, '').replace(/\/+$/, '');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) {
    throw usageError(
      'NPI_RATES_BAD_BUCKET',
      `--s3-bucket '${bucket}' is not a valid S3 bucket name`,
      'use 3-63 lower-case letters, digits, dots or hyphens, e.g. my-npi-rates-runs',
    );
  }
  return name;
}

export function resolveRegion(region: string | undefined): string {
  return region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1';
}
