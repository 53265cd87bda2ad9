/**
 * Every AWS name and tag npi-rates creates, in one place, so that cloud-setup, cloud-run and
 * cloud-teardown always agree on what they are talking about.
 */
export const CLUSTER_NAME = 'npi-rates';
export const ECR_REPOSITORY_NAME = 'npi-rates';
export const TASK_ROLE_NAME = 'npi-rates-task-role';
export const EXECUTION_ROLE_NAME = 'npi-rates-execution-role';
/** The inline policy on the task role that grants access to the one bucket. */
export const TASK_ROLE_S3_POLICY_NAME = 'npi-rates-s3-access';
/** AWS-managed policy that lets ECS pull from ECR and write to CloudWatch Logs. */
export const EXECUTION_ROLE_MANAGED_POLICY_ARN =
  'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy';
export const LOG_GROUP_NAME = '/ecs/npi-rates';
/** Days CloudWatch keeps worker logs. */
export const LOG_RETENTION_DAYS = 30;
export const TASK_DEFINITION_FAMILY = 'npi-rates-worker';
export const CONTAINER_NAME = 'npi-rates';
/** awslogs stream prefix: streams are named `<prefix>/<container>/<task id>`. */
export const LOG_STREAM_PREFIX = 'worker';

/** Tag put on everything cloud-setup creates; teardown only deletes a bucket that carries it. */
export const MANAGED_TAG_KEY = 'npi-rates:managed-by';
export const MANAGED_TAG_VALUE = 'cloud-setup';
/**
 * IAM roles are global while everything else is per region: each region cloud-setup ran in tags
 * the roles `npi-rates:used-in:<region>` = its bucket, so teardown of one region keeps roles
 * another still uses, and the task role grants every bucket in use.
 */
export const USED_IN_TAG_PREFIX = 'npi-rates:used-in:';

/** Fargate task size created by default: 4 vCPU, 8 GB memory, 100 GB ephemeral disk. */
export const DEFAULT_TASK_CPU_UNITS = 4096;
export const DEFAULT_TASK_MEMORY_MIB = 8192;
export const DEFAULT_EPHEMERAL_STORAGE_GIB = 100;

/** The awslogs stream of one task's container. */
export function logStreamName(taskId: string): string {
  return `${LOG_STREAM_PREFIX}/${CONTAINER_NAME}/${taskId}`;
}

/** The ECR image cloud-setup points the task definition at when no --image is given. */
export function defaultImageUri(accountId: string, region: string): string {
  return `${accountId}.dkr.ecr.${region}.amazonaws.com/${ECR_REPOSITORY_NAME}:latest`;
}

/** The last part of a task ARN (`arn:aws:ecs:r:a:task/cluster/ID` -> `ID`). */
export function taskIdFromArn(taskArn: string): string {
  return taskArn.slice(taskArn.lastIndexOf('/') + 1);
}
