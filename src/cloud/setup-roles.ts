import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { awsCall, awsLookup } from './aws-call.js';
import { arnPartition, type CloudClients } from './aws-clients.js';
import { ECS_TASKS_TRUST_POLICY, samePolicy, taskRoleS3Policy } from './iam-policies.js';
import type { SetupReport } from './resource-report.js';
import { markRoleUsed } from './role-usage.js';
import {
  EXECUTION_ROLE_MANAGED_POLICY_ARN,
  EXECUTION_ROLE_NAME,
  MANAGED_TAG_KEY,
  MANAGED_TAG_VALUE,
  TASK_ROLE_NAME,
  TASK_ROLE_S3_POLICY_NAME,
} from './resource-names.js';

export interface RoleSetup {
  report: SetupReport;
  roleArn: string;
}

/** Finds or creates a role that ECS tasks can assume; `created` says which happened. */
async function ensureEcsTaskRole(clients: CloudClients, roleName: string, description: string) {
  const found = await awsLookup(
    { action: 'iam:GetRole', resource: `IAM role ${roleName}` },
    () => clients.iam.send(new GetRoleCommand({ RoleName: roleName })),
    ['NoSuchEntity', 'NoSuchEntityException'],
  );
  if (found?.Role?.Arn) return { roleArn: found.Role.Arn, created: false };
  const created = await awsCall({ action: 'iam:CreateRole', resource: `IAM role ${roleName}` }, () =>
    clients.iam.send(
      new CreateRoleCommand({
        RoleName: roleName,
        Description: description,
        AssumeRolePolicyDocument: JSON.stringify(ECS_TASKS_TRUST_POLICY),
        Tags: [{ Key: MANAGED_TAG_KEY, Value: MANAGED_TAG_VALUE }],
      }),
    ),
  );
  return { roleArn: created.Role?.Arn ?? '', created: true };
}

/** The role ECS itself uses to pull the image from ECR and send the container's output to CloudWatch. */
export async function ensureExecutionRole(clients: CloudClients, bucket: string): Promise<RoleSetup> {
  const { roleArn, created } = await ensureEcsTaskRole(
    clients,
    EXECUTION_ROLE_NAME,
    'npi-rates: lets ECS pull the worker image and write its logs',
  );
  await markRoleUsed(clients, EXECUTION_ROLE_NAME, bucket);
  const attached = await awsCall({ action: 'iam:ListAttachedRolePolicies', resource: `IAM role ${EXECUTION_ROLE_NAME}` }, () =>
    clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: EXECUTION_ROLE_NAME })),
  );
  const hasPolicy = attached.AttachedPolicies?.some((policy) => policy.PolicyArn === EXECUTION_ROLE_MANAGED_POLICY_ARN);
  if (!hasPolicy) {
    await awsCall({ action: 'iam:AttachRolePolicy', resource: `IAM role ${EXECUTION_ROLE_NAME}` }, () =>
      clients.iam.send(new AttachRolePolicyCommand({ RoleName: EXECUTION_ROLE_NAME, PolicyArn: EXECUTION_ROLE_MANAGED_POLICY_ARN })),
    );
  }
  const outcome = created ? 'created' : hasPolicy ? 'found' : 'updated';
  const detail = outcome === 'updated' ? 'attached AmazonECSTaskExecutionRolePolicy' : undefined;
  return { report: { kind: 'IAM execution role', name: EXECUTION_ROLE_NAME, outcome, detail }, roleArn };
}

/** The role the worker container runs as: read and write in the run bucket, nothing else. */
export async function ensureTaskRole(clients: CloudClients, bucket: string): Promise<RoleSetup> {
  const { roleArn, created } = await ensureEcsTaskRole(
    clients,
    TASK_ROLE_NAME,
    `npi-rates: lets worker tasks read URL chunks from and write results to s3://${bucket}`,
  );
  // The role is global: regions set up before keep their buckets (see USED_IN_TAG_PREFIX).
  const { usage, previousBucket } = await markRoleUsed(clients, TASK_ROLE_NAME, bucket);
  const buckets = [...new Set(usage.values())].sort();
  const wanted = taskRoleS3Policy(buckets, arnPartition(clients.region));
  const current = await awsLookup(
    { action: 'iam:GetRolePolicy', resource: `IAM role ${TASK_ROLE_NAME}` },
    () => clients.iam.send(new GetRolePolicyCommand({ RoleName: TASK_ROLE_NAME, PolicyName: TASK_ROLE_S3_POLICY_NAME })),
    ['NoSuchEntity', 'NoSuchEntityException'],
  );
  const upToDate = samePolicy(current?.PolicyDocument, wanted);
  if (!upToDate) {
    await awsCall({ action: 'iam:PutRolePolicy', resource: `IAM role ${TASK_ROLE_NAME}` }, () =>
      clients.iam.send(
        new PutRolePolicyCommand({
          RoleName: TASK_ROLE_NAME,
          PolicyName: TASK_ROLE_S3_POLICY_NAME,
          PolicyDocument: JSON.stringify(wanted),
        }),
      ),
    );
  }
  const outcome = created ? 'created' : upToDate ? 'found' : 'updated';
  let detail = outcome === 'found' ? undefined : `S3 access limited to ${buckets.join(', ')}`;
  if (previousBucket !== undefined && previousBucket !== bucket) {
    // One bucket per region: the one set up before is no longer the task role's, nor teardown's.
    detail +=
      `; ${clients.region} used ${previousBucket} before, which tasks can no longer reach and cloud-teardown ` +
      `no longer removes: once its results are not needed, \`aws s3 rb s3://${previousBucket} --force\` deletes it`;
  }
  return { report: { kind: 'IAM task role', name: TASK_ROLE_NAME, outcome, detail }, roleArn };
}
