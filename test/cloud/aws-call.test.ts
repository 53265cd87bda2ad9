import { describe, expect, it } from 'vitest';
import { awsCall, awsLookup, describeAwsFailure } from '../../src/cloud/aws-call.js';
import { NpiRatesError } from '../../src/shared/errors.js';

function awsError(name: string, message: string, status = 400) {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

describe('AWS error reporting', () => {
  it('reports an AccessDeniedException as the refused action and resource, with exit code 3', async () => {
    const refusal = awsError('AccessDeniedException', 'User: arn:aws:iam::111122223333:user/ci is not authorized to perform: ecs:RunTask');
    const call = awsCall({ action: 'ecs:RunTask', resource: 'task definition npi-rates-worker in cluster npi-rates' }, () => Promise.reject(refusal));
    await expect(call).rejects.toMatchObject({
      code: 'NPI_RATES_AWS_ACCESS_DENIED',
      exitCode: 3,
      message:
        'AWS refused ecs:RunTask on task definition npi-rates-worker in cluster npi-rates (AccessDeniedException: User: arn:aws:iam::111122223333:user/ci is not authorized to perform: ecs:RunTask)',
      details: { action: 'ecs:RunTask', resource: 'task definition npi-rates-worker in cluster npi-rates', awsErrorName: 'AccessDeniedException', httpStatus: 400 },
    });
  });

  it('treats the S3, IAM and EC2 spellings of "not allowed" the same way', () => {
    for (const name of ['AccessDenied', 'UnauthorizedOperation', 'Forbidden']) {
      const error = describeAwsFailure(awsError(name, name, 403), { action: 's3:PutObject', resource: 's3://b/k' });
      expect(error.code).toBe('NPI_RATES_AWS_ACCESS_DENIED');
      expect(error.message).toBe(`AWS refused s3:PutObject on s3://b/k (${name})`);
      expect(error.hint).toContain('allow s3:PutObject on that resource');
    }
  });

  it('reads an answer the SDK could not parse by its status: a 403 is a refusal, without the SDK\'s debugging advice', () => {
    const message = 'Unexpected token \'<\', "<?xml vers"... is not valid JSON\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.';
    const refused = describeAwsFailure(awsError('SyntaxError', message, 403), { action: 'ecs:DescribeClusters', resource: 'ECS cluster npi-rates' });
    expect(refused.code).toBe('NPI_RATES_AWS_ACCESS_DENIED');
    expect(refused.message).toBe('AWS refused ecs:DescribeClusters on ECS cluster npi-rates (SyntaxError: the answer was not an AWS error the SDK could read)');
    const failed = describeAwsFailure(awsError('SyntaxError', message, 500), { action: 'ecr:DescribeRepositories', resource: 'ECR repository npi-rates' });
    expect(failed.code).toBe('NPI_RATES_AWS_ERROR');
    expect(failed.message).not.toContain('Deserialization error');
    expect(failed.message).toContain('HTTP 500');
  });

  it('says credentials are missing instead of calling it a refusal', () => {
    const error = describeAwsFailure(awsError('CredentialsProviderError', 'Could not load credentials from any providers'), {
      action: 'sts:GetCallerIdentity',
      resource: 'account',
    });
    expect(error.code).toBe('NPI_RATES_AWS_CREDENTIALS');
    expect(error.hint).toContain('AWS_PROFILE');
  });

  it('names the action, resource, error and HTTP status of any other failure', () => {
    const error = describeAwsFailure(awsError('ServerException', 'Service unavailable', 503), { action: 'ecs:DescribeTasks', resource: 'cluster npi-rates' });
    expect(error).toBeInstanceOf(NpiRatesError);
    expect(error.message).toBe('ecs:DescribeTasks on cluster npi-rates failed (ServerException, HTTP 503: Service unavailable)');
  });

  it('turns the listed not-found errors into undefined and still reports a refusal', async () => {
    const request = { action: 'iam:GetRole', resource: 'IAM role npi-rates-task-role' };
    await expect(awsLookup(request, () => Promise.reject(awsError('NoSuchEntityException', 'no role', 404)), ['NoSuchEntityException'])).resolves.toBeUndefined();
    await expect(awsLookup(request, () => Promise.reject(awsError('AccessDenied', 'nope', 403)), ['NoSuchEntityException'])).rejects.toMatchObject({
      code: 'NPI_RATES_AWS_ACCESS_DENIED',
    });
  });
});
