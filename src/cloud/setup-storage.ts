import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { CreateRepositoryCommand, DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import {
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { awsCall, awsLookup } from './aws-call.js';
import type { CloudClients } from './aws-clients.js';
import type { SetupReport } from './resource-report.js';
import {
  ECR_REPOSITORY_NAME,
  LOG_GROUP_NAME,
  LOG_RETENTION_DAYS,
  MANAGED_TAG_KEY,
  MANAGED_TAG_VALUE,
} from './resource-names.js';

/**
 * The run bucket. Created private (all public access blocked) and tagged, so that teardown can
 * tell a bucket it made from one the user already had and never deletes the latter.
 */
export async function ensureBucket(clients: CloudClients, bucket: string): Promise<SetupReport> {
  const resource = `s3://${bucket}`;
  const existing = await awsLookup(
    { action: 's3:ListBucket', resource },
    () => clients.s3.send(new HeadBucketCommand({ Bucket: bucket })),
    ['NotFound', 'NoSuchBucket'],
  );
  if (existing) {
    const where = existing.BucketRegion && existing.BucketRegion !== clients.region ? `in ${existing.BucketRegion}` : undefined;
    return { kind: 'S3 bucket', name: bucket, outcome: 'found', detail: where };
  }
  // us-east-1 is the one region that refuses an explicit LocationConstraint.
  const configuration =
    clients.region === 'us-east-1' ? undefined : { LocationConstraint: clients.region as BucketLocationConstraint };
  await awsCall({ action: 's3:CreateBucket', resource }, () =>
    clients.s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: configuration })),
  );
  await awsCall({ action: 's3:PutBucketPublicAccessBlock', resource }, () =>
    clients.s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: bucket,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      }),
    ),
  );
  await awsCall({ action: 's3:PutBucketTagging', resource }, () =>
    clients.s3.send(
      new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [{ Key: MANAGED_TAG_KEY, Value: MANAGED_TAG_VALUE }] } }),
    ),
  );
  return { kind: 'S3 bucket', name: bucket, outcome: 'created' };
}

/** The image repository; returns its URI too, for the default `--image`. */
export async function ensureEcrRepository(clients: CloudClients): Promise<{ report: SetupReport; repositoryUri: string }> {
  const request = { action: 'ecr:DescribeRepositories', resource: `ECR repository ${ECR_REPOSITORY_NAME}` };
  const found = await awsLookup(
    request,
    () => clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [ECR_REPOSITORY_NAME] })),
    ['RepositoryNotFoundException'],
  );
  const foundUri = found?.repositories?.[0]?.repositoryUri;
  if (foundUri) {
    return { report: { kind: 'ECR repository', name: ECR_REPOSITORY_NAME, outcome: 'found', detail: foundUri }, repositoryUri: foundUri };
  }
  const created = await awsCall({ ...request, action: 'ecr:CreateRepository' }, () =>
    clients.ecr.send(
      new CreateRepositoryCommand({
        repositoryName: ECR_REPOSITORY_NAME,
        imageScanningConfiguration: { scanOnPush: true },
        tags: [{ Key: MANAGED_TAG_KEY, Value: MANAGED_TAG_VALUE }],
      }),
    ),
  );
  const repositoryUri = created.repository?.repositoryUri ?? '';
  return { report: { kind: 'ECR repository', name: ECR_REPOSITORY_NAME, outcome: 'created', detail: repositoryUri }, repositoryUri };
}

export async function ensureLogGroup(clients: CloudClients): Promise<SetupReport> {
  const resource = `log group ${LOG_GROUP_NAME}`;
  const listed = await awsCall({ action: 'logs:DescribeLogGroups', resource }, () =>
    clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: LOG_GROUP_NAME })),
  );
  if (listed.logGroups?.some((group) => group.logGroupName === LOG_GROUP_NAME)) {
    return { kind: 'log group', name: LOG_GROUP_NAME, outcome: 'found' };
  }
  await awsCall({ action: 'logs:CreateLogGroup', resource }, () =>
    clients.logs.send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP_NAME, tags: { [MANAGED_TAG_KEY]: MANAGED_TAG_VALUE } })),
  );
  await awsCall({ action: 'logs:PutRetentionPolicy', resource }, () =>
    clients.logs.send(new PutRetentionPolicyCommand({ logGroupName: LOG_GROUP_NAME, retentionInDays: LOG_RETENTION_DAYS })),
  );
  return { kind: 'log group', name: LOG_GROUP_NAME, outcome: 'created', detail: `kept ${LOG_RETENTION_DAYS} days` };
}
