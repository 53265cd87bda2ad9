import { DescribeImagesCommand } from '@aws-sdk/client-ecr';
import { awsLookup } from './aws-call.js';
import { createCloudClients, type CloudClientOptions, type CloudClients } from './aws-clients.js';
import type { SetupReport } from './resource-report.js';
import { ECR_REPOSITORY_NAME } from './resource-names.js';
import { ensureCluster, ensureTaskDefinition, registeredWorkerSettings } from './setup-ecs.js';
import { ensureExecutionRole, ensureTaskRole } from './setup-roles.js';
import { ensureBucket, ensureEcrRepository, ensureLogGroup } from './setup-storage.js';
import { DEFAULT_TASK_SIZE, type TaskSize } from './task-size.js';

export interface CloudSetupOptions extends CloudClientOptions {
  bucket: string;
  region: string;
  /** Worker image; defaults to the ECR repository's `:latest`. */
  image?: string;
  size?: TaskSize;
  /** Called as each resource is done, so the CLI can print while setup goes on. */
  onResource?: (report: SetupReport) => void;
}

export interface CloudSetupResult {
  resources: SetupReport[];
  image: string;
  /** Set when the default ECR image has not been pushed yet: the worker cannot start until it is. */
  imageMissing: boolean;
}

/**
 * Creates whatever of the npi-rates AWS resources is missing and leaves the rest alone; running it
 * twice creates nothing the second time. Order matters: roles and the log group must exist before
 * the task definition that names them.
 */
export async function runCloudSetup(options: CloudSetupOptions, clients?: CloudClients): Promise<CloudSetupResult> {
  const aws = clients ?? createCloudClients(options);
  const resources: SetupReport[] = [];
  const record = (report: SetupReport) => {
    resources.push(report);
    options.onResource?.(report);
  };

  record(await ensureBucket(aws, options.bucket));
  const repository = await ensureEcrRepository(aws);
  record(repository.report);
  record(await ensureLogGroup(aws));
  const executionRole = await ensureExecutionRole(aws, options.bucket);
  record(executionRole.report);
  const taskRole = await ensureTaskRole(aws, options.bucket);
  record(taskRole.report);
  record(await ensureCluster(aws));

  // Settings not given keep what an earlier cloud-setup registered, else the defaults.
  const registered = options.image === undefined || options.size === undefined ? await registeredWorkerSettings(aws) : undefined;
  const defaultImage = `${repository.repositoryUri}:latest`;
  const image = options.image ?? registered?.image ?? defaultImage;
  record(
    await ensureTaskDefinition(aws, {
      image,
      size: options.size ?? registered?.size ?? DEFAULT_TASK_SIZE,
      taskRoleArn: taskRole.roleArn,
      executionRoleArn: executionRole.roleArn,
      region: aws.region,
    }),
  );
  const imageMissing = image === defaultImage && !(await latestImageExists(aws));
  return { resources, image, imageMissing };
}

async function latestImageExists(clients: CloudClients): Promise<boolean> {
  const found = await awsLookup(
    { action: 'ecr:DescribeImages', resource: `ECR repository ${ECR_REPOSITORY_NAME}` },
    () => clients.ecr.send(new DescribeImagesCommand({ repositoryName: ECR_REPOSITORY_NAME, imageIds: [{ imageTag: 'latest' }] })),
    ['ImageNotFoundException'],
  );
  return (found?.imageDetails?.length ?? 0) > 0;
}

/** The commands that build and push the worker image to the repository cloud-setup made. */
export function imagePushInstructions(image: string, region: string): string[] {
  const registry = image.split('/')[0];
  return [
    `aws ecr get-login-password --region ${region} | docker login --username AWS --password-stdin ${registry}`,
    `docker build --platform linux/amd64 -t ${image} .`,
    `docker push ${image}`,
  ];
}
