import {
  DeleteBucketCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
} from '@aws-sdk/client-s3';
import { DeleteRepositoryCommand } from '@aws-sdk/client-ecr';
import { DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import {
  DeleteClusterCommand,
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { awsCall, awsLookup } from './aws-call.js';
import { createCloudClients, type CloudClientOptions, type CloudClients } from './aws-clients.js';
import type { TeardownReport } from './resource-report.js';
import {
  CLUSTER_NAME,
  ECR_REPOSITORY_NAME,
  EXECUTION_ROLE_NAME,
  LOG_GROUP_NAME,
  MANAGED_TAG_KEY,
  MANAGED_TAG_VALUE,
  TASK_DEFINITION_FAMILY,
  TASK_ROLE_NAME,
} from './resource-names.js';
import { deleteS3Prefix } from './s3-results.js';
import { readRoleUsage, releaseRole } from './role-usage.js';
import { usageError } from '../shared/errors.js';

export interface CloudTeardownOptions extends CloudClientOptions {
  bucket: string;
  region: string;
  /** Leave the bucket and everything in it. */
  keepBucket?: boolean;
  onResource?: (report: TeardownReport) => void;
}

/**
 * Removes what cloud-setup made, in reverse order of dependence (tasks, task definitions, cluster,
 * roles, logs, images, bucket). Anything already gone is reported as "not found", so a second run
 * succeeds and changes nothing.
 */
export async function runCloudTeardown(options: CloudTeardownOptions, clients?: CloudClients): Promise<TeardownReport[]> {
  const aws = clients ?? createCloudClients(options);
  const reports: TeardownReport[] = [];
  const record = (report: TeardownReport) => {
    reports.push(report);
    options.onResource?.(report);
  };

  await refuseMistypedBucket(aws, options.bucket);
  const clusterActive = await isClusterActive(aws);
  if (clusterActive) {
    const stopped = await stopClusterTasks(aws);
    if (stopped > 0) record({ kind: 'ECS tasks', name: CLUSTER_NAME, outcome: 'removed', detail: `stopped ${stopped} running tasks` });
  }
  record(await removeTaskDefinitions(aws));
  record(clusterActive ? await removeCluster(aws) : { kind: 'ECS cluster', name: CLUSTER_NAME, outcome: 'not found' });
  record(await removeRole(aws, TASK_ROLE_NAME, 'IAM task role'));
  record(await removeRole(aws, EXECUTION_ROLE_NAME, 'IAM execution role'));
  record(await removeLogGroup(aws));
  record(await removeEcrRepository(aws));
  record(options.keepBucket ? { kind: 'S3 bucket', name: options.bucket, outcome: 'kept', detail: '--keep-bucket' } : await removeBucket(aws, options.bucket));
  return reports;
}

/**
 * A --s3-bucket that does not exist, while the role tags say this region's setup used another
 * bucket, is a typo: going on would remove the rest of the setup and leave the real bucket behind.
 */
async function refuseMistypedBucket(clients: CloudClients, bucket: string): Promise<void> {
  const usage = await readRoleUsage(clients, TASK_ROLE_NAME).catch(() => new Map<string, string>());
  const setUpWith = usage.get(clients.region);
  if (setUpWith === undefined || setUpWith === bucket) return;
  const exists = await awsLookup(
    { action: 's3:ListBucket', resource: `s3://${bucket}` },
    () => clients.s3.send(new HeadBucketCommand({ Bucket: bucket })),
    ['NotFound', 'NoSuchBucket'],
  );
  if (exists) return;
  throw usageError(
    'NPI_RATES_BAD_OPTION',
    `the bucket ${bucket} does not exist, and cloud-setup in ${clients.region} was made with ${setUpWith}; nothing was removed`,
    `run npi-rates cloud-teardown --s3-bucket ${setUpWith} --region ${clients.region}`,
  );
}

async function isClusterActive(clients: CloudClients): Promise<boolean> {
  const described = await awsCall({ action: 'ecs:DescribeClusters', resource: `ECS cluster ${CLUSTER_NAME}` }, () =>
    clients.ecs.send(new DescribeClustersCommand({ clusters: [CLUSTER_NAME] })),
  );
  return described.clusters?.some((cluster) => cluster.status === 'ACTIVE') ?? false;
}

/** A cluster with running tasks cannot be deleted; teardown stops them (of any run) first. */
async function stopClusterTasks(clients: CloudClients): Promise<number> {
  const resource = `ECS cluster ${CLUSTER_NAME}`;
  let stopped = 0;
  let nextToken: string | undefined;
  do {
    const page = await awsCall({ action: 'ecs:ListTasks', resource }, () =>
      clients.ecs.send(new ListTasksCommand({ cluster: CLUSTER_NAME, desiredStatus: 'RUNNING', nextToken })),
    );
    for (const taskArn of page.taskArns ?? []) {
      await awsCall({ action: 'ecs:StopTask', resource: taskArn }, () =>
        clients.ecs.send(new StopTaskCommand({ cluster: CLUSTER_NAME, task: taskArn, reason: 'npi-rates cloud-teardown' })),
      );
      stopped += 1;
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return stopped;
}

async function removeTaskDefinitions(clients: CloudClients): Promise<TeardownReport> {
  const resource = `task definition ${TASK_DEFINITION_FAMILY}`;
  const revisions: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await awsCall({ action: 'ecs:ListTaskDefinitions', resource }, () =>
      clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: TASK_DEFINITION_FAMILY, status: 'ACTIVE', nextToken })),
    );
    // familyPrefix also matches longer family names (npi-rates-worker-old); keep ours only.
    revisions.push(...(page.taskDefinitionArns ?? []).filter((arn) => arn.includes(`:task-definition/${TASK_DEFINITION_FAMILY}:`)));
    nextToken = page.nextToken;
  } while (nextToken);
  if (revisions.length === 0) return { kind: 'task definition', name: TASK_DEFINITION_FAMILY, outcome: 'not found' };

  for (const arn of revisions) {
    await awsCall({ action: 'ecs:DeregisterTaskDefinition', resource: arn }, () =>
      clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn })),
    );
  }
  // Deregistered revisions stay listed as INACTIVE for ever unless deleted; ECS takes 10 per call.
  for (let start = 0; start < revisions.length; start += 10) {
    const batch = revisions.slice(start, start + 10);
    await awsCall({ action: 'ecs:DeleteTaskDefinitions', resource }, () =>
      clients.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: batch })),
    );
  }
  return { kind: 'task definition', name: TASK_DEFINITION_FAMILY, outcome: 'removed', detail: `${revisions.length} revisions` };
}

async function removeCluster(clients: CloudClients): Promise<TeardownReport> {
  await awsCall({ action: 'ecs:DeleteCluster', resource: `ECS cluster ${CLUSTER_NAME}` }, () =>
    clients.ecs.send(new DeleteClusterCommand({ cluster: CLUSTER_NAME })),
  );
  return { kind: 'ECS cluster', name: CLUSTER_NAME, outcome: 'removed' };
}

/**
 * IAM roles are global: one that cloud-setup in another region still uses is kept (its task-role
 * S3 access shrinks to the buckets still in use). IAM refuses to delete a role that still has
 * policies, so those go first.
 */
async function removeRole(clients: CloudClients, roleName: string, kind: string): Promise<TeardownReport> {
  const resource = `IAM role ${roleName}`;
  const found = await awsLookup(
    { action: 'iam:GetRole', resource },
    () => clients.iam.send(new GetRoleCommand({ RoleName: roleName })),
    ['NoSuchEntity', 'NoSuchEntityException'],
  );
  if (!found) return { kind, name: roleName, outcome: 'not found' };
  const stillUsed = await releaseRole(clients, roleName);
  if (stillUsed.size > 0) {
    return { kind, name: roleName, outcome: 'kept', detail: `still used by cloud-setup in ${[...stillUsed.keys()].sort().join(', ')}` };
  }

  const attached = await awsCall({ action: 'iam:ListAttachedRolePolicies', resource }, () =>
    clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName })),
  );
  for (const policy of attached.AttachedPolicies ?? []) {
    await awsCall({ action: 'iam:DetachRolePolicy', resource }, () =>
      clients.iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: policy.PolicyArn })),
    );
  }
  const inline = await awsCall({ action: 'iam:ListRolePolicies', resource }, () =>
    clients.iam.send(new ListRolePoliciesCommand({ RoleName: roleName })),
  );
  for (const policyName of inline.PolicyNames ?? []) {
    await awsCall({ action: 'iam:DeleteRolePolicy', resource }, () =>
      clients.iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })),
    );
  }
  await awsCall({ action: 'iam:DeleteRole', resource }, () => clients.iam.send(new DeleteRoleCommand({ RoleName: roleName })));
  return { kind, name: roleName, outcome: 'removed' };
}

async function removeLogGroup(clients: CloudClients): Promise<TeardownReport> {
  const deleted = await awsLookup(
    { action: 'logs:DeleteLogGroup', resource: `log group ${LOG_GROUP_NAME}` },
    () => clients.logs.send(new DeleteLogGroupCommand({ logGroupName: LOG_GROUP_NAME })),
    ['ResourceNotFoundException'],
  );
  return { kind: 'log group', name: LOG_GROUP_NAME, outcome: deleted ? 'removed' : 'not found' };
}

async function removeEcrRepository(clients: CloudClients): Promise<TeardownReport> {
  const deleted = await awsLookup(
    { action: 'ecr:DeleteRepository', resource: `ECR repository ${ECR_REPOSITORY_NAME}` },
    // force: the repository holds the pushed worker images, which go with it.
    () => clients.ecr.send(new DeleteRepositoryCommand({ repositoryName: ECR_REPOSITORY_NAME, force: true })),
    ['RepositoryNotFoundException'],
  );
  return { kind: 'ECR repository', name: ECR_REPOSITORY_NAME, outcome: deleted ? 'removed' : 'not found' };
}

/**
 * Deletes the bucket and its contents only when cloud-setup created it (it carries the managed tag);
 * a bucket the user already had is kept with everything in it.
 */
async function removeBucket(clients: CloudClients, bucket: string): Promise<TeardownReport> {
  const resource = `s3://${bucket}`;
  const exists = await awsLookup(
    { action: 's3:ListBucket', resource },
    () => clients.s3.send(new HeadBucketCommand({ Bucket: bucket })),
    ['NotFound', 'NoSuchBucket'],
  );
  if (!exists) return { kind: 'S3 bucket', name: bucket, outcome: 'not found' };

  const tagging = await awsLookup(
    { action: 's3:GetBucketTagging', resource },
    () => clients.s3.send(new GetBucketTaggingCommand({ Bucket: bucket })),
    ['NoSuchTagSet', 'NoSuchTagSetError'],
  );
  const managed = tagging?.TagSet?.some((tag) => tag.Key === MANAGED_TAG_KEY && tag.Value === MANAGED_TAG_VALUE);
  if (!managed) {
    return { kind: 'S3 bucket', name: bucket, outcome: 'kept', detail: 'not created by cloud-setup; delete it yourself if you want it gone' };
  }
  const objectCount = await deleteS3Prefix(`s3://${bucket}/`, clients.region);
  await awsCall({ action: 's3:DeleteBucket', resource }, () => clients.s3.send(new DeleteBucketCommand({ Bucket: bucket })));
  return { kind: 'S3 bucket', name: bucket, outcome: 'removed', detail: `with ${objectCount} objects` };
}
