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

/**
 * Bucket names as S3 allows them: 3-63 lower-case letters, digits, dots and hyphens, not two dots
 * in a row, not an IP address, and none of the prefixes and suffixes S3 reserves.
 */
export function checkBucketName(bucket: string): string {
  const name = bucket.replace(/^s3:\/\//, '').replace(/\/+$/, '');
  const isReserved =
    name.includes('..') ||
    /^\d+\.\d+\.\d+\.\d+$/.test(name) ||
    /^(xn--|sthree-|amzn-s3-demo-)/.test(name) ||
    /(-s3alias|--ol-s3|--x-s3|--table-s3|\.mrap)$/.test(name);
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) || isReserved) {
    throw usageError(
      'NPI_RATES_BAD_BUCKET',
      `--s3-bucket '${bucket}' is not a valid S3 bucket name`,
      'use 3-63 lower-case letters, digits, dots or hyphens, e.g. my-npi-rates-runs',
    );
  }
  return name;
}

/** --region, else the AWS environment, else us-east-1; a name that is no AWS region is refused. */
export function resolveRegion(region: string | undefined): string {
  const given = region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1';
  const name = given.trim().toLowerCase();
  // us-east-1, eu-central-2, ap-southeast-4, us-gov-west-1, cn-northwest-1, il-central-1...
  if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(name)) {
    throw usageError('NPI_RATES_BAD_OPTION', `the region '${given}' is not an AWS region name`, 'give one such as us-east-1 or eu-west-2 (--region, or AWS_REGION)');
  }
  return name;
}
