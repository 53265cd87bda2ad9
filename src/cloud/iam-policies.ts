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
export function taskRoleS3Policy(buckets: string | readonly string[], partition = 'aws'): PolicyDocument {
  // One bucket per region that uses the role (cloud-setup in two regions may use two buckets).
  const names = typeof buckets === 'string' ? [buckets] : [...new Set(buckets)].sort();
  const one = <T>(list: T[]): T | T[] => (list.length === 1 ? list[0] : list);
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ListRunBucket', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: one(names.map((name) => `arn:${partition}:s3:::${name}`)) },
      {
        Sid: 'ReadChunksWriteResults',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
        Resource: one(names.map((name) => `arn:${partition}:s3:::${name}/*`)),
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
