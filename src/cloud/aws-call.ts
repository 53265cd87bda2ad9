import { EXIT_CLOUD, NpiRatesError } from '../shared/errors.js';

/**
 * Every AWS request goes through `awsCall` with the IAM action and the resource it touches, so a
 * refusal is reported as "AWS refused ecs:RunTask on arn:..." instead of an SDK stack, and the user
 * knows which permission to add.
 */
export interface AwsRequest {
  /** IAM action, e.g. `ecs:RunTask`. */
  action: string;
  /** ARN or name of what the request touches, e.g. `s3://bucket/key` or a role name. */
  resource: string;
}

interface AwsErrorFields {
  name?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

// Names the services use for "not allowed": IAM/S3/STS say AccessDenied, the JSON services
// AccessDeniedException, EC2 UnauthorizedOperation, and a HEAD request with no body only "Forbidden".
const ACCESS_DENIED_NAMES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'Forbidden',
  'AuthorizationError',
]);

const MISSING_CREDENTIALS_NAMES = new Set(['CredentialsProviderError', 'ExpiredToken', 'ExpiredTokenException',
  'InvalidClientTokenId', 'UnrecognizedClientException', 'InvalidAccessKeyId', 'SignatureDoesNotMatch']);

/** The error name AWS gave (`NoSuchEntityException`, `NotFound`, ...), if any. */
export function awsErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const fields = error as AwsErrorFields;
  return fields.Code ?? fields.name;
}

export function isAccessDenied(error: unknown): boolean {
  return ACCESS_DENIED_NAMES.has(awsErrorName(error) ?? '');
}

/** Turns an SDK error into an NpiRatesError that names the refused action and resource. */
export function describeAwsFailure(error: unknown, request: AwsRequest): NpiRatesError {
  if (error instanceof NpiRatesError) return error;
  const name = awsErrorName(error) ?? 'Error';
  const status = (error as AwsErrorFields | undefined)?.$metadata?.httpStatusCode;
  // An answer the SDK could not parse (an HTML or XML page from a proxy or an emulator) comes as a
  // SyntaxError with the SDK's own debugging advice: what matters to the user is its status.
  const isUnreadable = name === 'SyntaxError' || (error instanceof Error && error.message.includes('Deserialization error'));
  const awsMessage = isUnreadable
    ? ': the answer was not an AWS error the SDK could read'
    : error instanceof Error && error.message && error.message !== name
      ? `: ${error.message}`
      : '';
  const details = { action: request.action, resource: request.resource, awsErrorName: name, httpStatus: status };

  if (isAccessDenied(error) || (isUnreadable && status === 403)) {
    return new NpiRatesError(
      'NPI_RATES_AWS_ACCESS_DENIED',
      `AWS refused ${request.action} on ${request.resource} (${name}${awsMessage})`,
      {
        hint: `allow ${request.action} on that resource for the AWS identity in use; docs/cloud.md lists every permission npi-rates needs`,
        exitCode: EXIT_CLOUD,
        details,
        cause: error,
      },
    );
  }
  if (MISSING_CREDENTIALS_NAMES.has(name)) {
    return new NpiRatesError(
      'NPI_RATES_AWS_CREDENTIALS',
      `AWS credentials are missing or not valid for ${request.action} on ${request.resource} (${name}${awsMessage})`,
      {
        hint: 'set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws sso login`',
        exitCode: EXIT_CLOUD,
        details,
        cause: error,
      },
    );
  }
  const statusText = status === undefined ? '' : `, HTTP ${status}`;
  return new NpiRatesError(
    'NPI_RATES_AWS_ERROR',
    `${request.action} on ${request.resource} failed (${name}${statusText}${awsMessage})`,
    { exitCode: EXIT_CLOUD, details, cause: error },
  );
}

/** Sends one AWS request; any failure becomes an NpiRatesError naming the action and resource. */
export async function awsCall<T>(request: AwsRequest, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw describeAwsFailure(error, request);
  }
}

/**
 * Like `awsCall`, but the listed "does not exist" error names resolve to undefined, for the
 * look-before-create steps of setup and teardown.
 */
export async function awsLookup<T>(
  request: AwsRequest,
  send: () => Promise<T>,
  notFoundNames: readonly string[],
): Promise<T | undefined> {
  try {
    return await send();
  } catch (error) {
    if (notFoundNames.includes(awsErrorName(error) ?? '')) return undefined;
    throw describeAwsFailure(error, request);
  }
}
