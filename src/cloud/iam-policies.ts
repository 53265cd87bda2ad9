/** The IAM documents cloud-setup writes; kept as data so tests can compare them exactly. */
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Array<{
    Sid?: string;
    Effect: 'Allow';
    Principal?: { Service: string };
    Action: string | string[];
    Resource?: string | string[];
  }>;
}

/** Lets ECS tasks (not anyone else) take the role. */
export const ECS_TASKS_TRUST_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

/**
 * What a worker container may do: list, read and write objects in the run bucket only. It reads its
 * URL chunk and writes its result (multipart, hence AbortMultipartUpload) and nothing else.
 */
export function taskRoleS3Policy(bucket: string, partition = 'aws'): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ListRunBucket', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: `arn:${partition}:s3:::${bucket}` },
      {
        Sid: 'ReadChunksWriteResults',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
        Resource: `arn:${partition}:s3:::${bucket}/*`,
      },
    ],
  };
}

/** IAM returns policy documents URL-encoded; this compares them by meaning, not by spacing. */
export function samePolicy(returnedDocument: string | undefined, wanted: PolicyDocument): boolean {
  if (!returnedDocument) return false;
  try {
    const decoded = JSON.parse(decodeURIComponent(returnedDocument)) as unknown;
    return JSON.stringify(normalize(decoded)) === JSON.stringify(normalize(wanted));
  } catch {
    return false;
  }
}

// Single-item lists and plain strings mean the same thing to IAM.
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 1 ? normalize(value[0]) : value.map(normalize);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, item]) => [key, normalize(item)]),
    );
  }
  return value;
}
