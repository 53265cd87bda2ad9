import { ListRoleTagsCommand, PutRolePolicyCommand, TagRoleCommand, UntagRoleCommand } from '@aws-sdk/client-iam';
import { awsCall } from './aws-call.js';
import { arnPartition, type CloudClients } from './aws-clients.js';
import { taskRoleS3Policy } from './iam-policies.js';
import { TASK_ROLE_NAME, TASK_ROLE_S3_POLICY_NAME, USED_IN_TAG_PREFIX } from './resource-names.js';

/** region -> bucket, for every region whose cloud-setup uses the role (see USED_IN_TAG_PREFIX). */
export type RoleUsage = Map<string, string>;

export async function readRoleUsage(clients: CloudClients, roleName: string): Promise<RoleUsage> {
  const usage: RoleUsage = new Map();
  let marker: string | undefined;
  do {
    const page = await awsCall({ action: 'iam:ListRoleTags', resource: `IAM role ${roleName}` }, () =>
      clients.iam.send(new ListRoleTagsCommand({ RoleName: roleName, Marker: marker })),
    );
    for (const tag of page.Tags ?? []) {
      if (tag.Key?.startsWith(USED_IN_TAG_PREFIX)) usage.set(tag.Key.slice(USED_IN_TAG_PREFIX.length), tag.Value ?? '');
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return usage;
}

/**
 * Records that this region's setup uses the role with `bucket`; returns the usage of every region,
 * and the bucket this region used before (undefined when none).
 */
export async function markRoleUsed(
  clients: CloudClients,
  roleName: string,
  bucket: string,
): Promise<{ usage: RoleUsage; previousBucket: string | undefined }> {
  const usage = await readRoleUsage(clients, roleName);
  const previousBucket = usage.get(clients.region);
  if (previousBucket !== bucket) {
    await awsCall({ action: 'iam:TagRole', resource: `IAM role ${roleName}` }, () =>
      clients.iam.send(new TagRoleCommand({ RoleName: roleName, Tags: [{ Key: `${USED_IN_TAG_PREFIX}${clients.region}`, Value: bucket }] })),
    );
    usage.set(clients.region, bucket);
  }
  return { usage, previousBucket };
}

/**
 * Forgets this region's use of the role; returns the regions still using it (teardown keeps the
 * role for them, and the task role's S3 access shrinks to their buckets).
 */
export async function releaseRole(clients: CloudClients, roleName: string): Promise<RoleUsage> {
  const usage = await readRoleUsage(clients, roleName);
  if (usage.delete(clients.region)) {
    await awsCall({ action: 'iam:UntagRole', resource: `IAM role ${roleName}` }, () =>
      clients.iam.send(new UntagRoleCommand({ RoleName: roleName, TagKeys: [`${USED_IN_TAG_PREFIX}${clients.region}`] })),
    );
  }
  if (usage.size > 0 && roleName === TASK_ROLE_NAME) {
    const policy = taskRoleS3Policy([...usage.values()], arnPartition(clients.region));
    await awsCall({ action: 'iam:PutRolePolicy', resource: `IAM role ${roleName}` }, () =>
      clients.iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: TASK_ROLE_S3_POLICY_NAME, PolicyDocument: JSON.stringify(policy) })),
    );
  }
  return usage;
}
