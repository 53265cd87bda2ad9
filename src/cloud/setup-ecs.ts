import {
  CreateClusterCommand,
  DescribeClustersCommand,
  DescribeTaskDefinitionCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { awsCall, awsLookup } from './aws-call.js';
import type { CloudClients } from './aws-clients.js';
import type { SetupReport } from './resource-report.js';
import {
  CLUSTER_NAME,
  CONTAINER_NAME,
  LOG_GROUP_NAME,
  LOG_STREAM_PREFIX,
  MANAGED_TAG_KEY,
  MANAGED_TAG_VALUE,
  TASK_DEFINITION_FAMILY,
} from './resource-names.js';
import { DEFAULT_TASK_SIZE, describeTaskSize, type TaskSize } from './task-size.js';

const CAPACITY_PROVIDERS = ['FARGATE', 'FARGATE_SPOT'];

/** The cluster, with both Fargate capacity providers and Spot as the default strategy. */
export async function ensureCluster(clients: CloudClients): Promise<SetupReport> {
  const resource = `ECS cluster ${CLUSTER_NAME}`;
  const described = await awsCall({ action: 'ecs:DescribeClusters', resource }, () =>
    clients.ecs.send(new DescribeClustersCommand({ clusters: [CLUSTER_NAME] })),
  );
  // A deleted cluster stays visible as INACTIVE for a while; creating it again revives it.
  const active = described.clusters?.find((cluster) => cluster.status === 'ACTIVE');
  const strategy = [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }];
  if (!active) {
    await awsCall({ action: 'ecs:CreateCluster', resource }, () =>
      clients.ecs.send(
        new CreateClusterCommand({
          clusterName: CLUSTER_NAME,
          capacityProviders: CAPACITY_PROVIDERS,
          defaultCapacityProviderStrategy: strategy,
          tags: [{ key: MANAGED_TAG_KEY, value: MANAGED_TAG_VALUE }],
        }),
      ),
    );
    return { kind: 'ECS cluster', name: CLUSTER_NAME, outcome: 'created', detail: 'FARGATE and FARGATE_SPOT' };
  }
  const missing = CAPACITY_PROVIDERS.filter((provider) => !active.capacityProviders?.includes(provider));
  if (missing.length === 0) return { kind: 'ECS cluster', name: CLUSTER_NAME, outcome: 'found' };
  await awsCall({ action: 'ecs:PutClusterCapacityProviders', resource }, () =>
    clients.ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: CLUSTER_NAME,
        capacityProviders: [...new Set([...(active.capacityProviders ?? []), ...CAPACITY_PROVIDERS])],
        defaultCapacityProviderStrategy: active.defaultCapacityProviderStrategy?.length ? active.defaultCapacityProviderStrategy : strategy,
      }),
    ),
  );
  return { kind: 'ECS cluster', name: CLUSTER_NAME, outcome: 'updated', detail: `added ${missing.join(' and ')}` };
}

export interface WorkerTaskSettings {
  image: string;
  size: TaskSize;
  taskRoleArn: string;
  executionRoleArn: string;
  region: string;
}

/** The full RegisterTaskDefinition request for the worker; exported for tests and docs. */
export function workerTaskDefinition(settings: WorkerTaskSettings): RegisterTaskDefinitionCommandInput {
  return {
    family: TASK_DEFINITION_FAMILY,
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    runtimePlatform: { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' },
    cpu: String(settings.size.cpuUnits),
    memory: String(settings.size.memoryMiB),
    ephemeralStorage: { sizeInGiB: settings.size.ephemeralStorageGiB },
    taskRoleArn: settings.taskRoleArn,
    executionRoleArn: settings.executionRoleArn,
    containerDefinitions: [
      {
        name: CONTAINER_NAME,
        image: settings.image,
        essential: true,
        // Fargate's longest grace period: a Spot interruption sends SIGTERM, then SIGKILL after this.
        stopTimeout: 120,
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': LOG_GROUP_NAME,
            'awslogs-region': settings.region,
            'awslogs-stream-prefix': LOG_STREAM_PREFIX,
          },
        },
      },
    ],
    tags: [{ key: MANAGED_TAG_KEY, value: MANAGED_TAG_VALUE }],
  };
}

/** Which of the settings that matter differ between the registered revision and the wanted one. */
export function taskDefinitionDifferences(current: TaskDefinition, wanted: RegisterTaskDefinitionCommandInput): string[] {
  const currentContainer = current.containerDefinitions?.[0];
  const wantedContainer = wanted.containerDefinitions?.[0];
  const pairs: Array<[string, unknown, unknown]> = [
    ['image', currentContainer?.image, wantedContainer?.image],
    ['cpu', current.cpu, wanted.cpu],
    ['memory', current.memory, wanted.memory],
    ['ephemeral storage', current.ephemeralStorage?.sizeInGiB, wanted.ephemeralStorage?.sizeInGiB],
    ['task role', current.taskRoleArn, wanted.taskRoleArn],
    ['execution role', current.executionRoleArn, wanted.executionRoleArn],
    ['cpu architecture', current.runtimePlatform?.cpuArchitecture, wanted.runtimePlatform?.cpuArchitecture],
    ['log group', currentContainer?.logConfiguration?.options?.['awslogs-group'], LOG_GROUP_NAME],
    ['log region', currentContainer?.logConfiguration?.options?.['awslogs-region'], wantedContainer?.logConfiguration?.options?.['awslogs-region']],
    ['container name', currentContainer?.name, CONTAINER_NAME],
  ];
  return pairs
    .filter(([, currentValue, wantedValue]) => String(currentValue) !== String(wantedValue))
    .map(([name, currentValue, wantedValue]) => `${name} ${String(currentValue)} -> ${String(wantedValue)}`);
}

/** Registers a new revision only when a setting changed, so re-running setup is a no-op. */
/**
 * The image and size of the worker task definition registered now, if any: a later cloud-setup
 * without --image, --cpu, --memory or --storage keeps them rather than going back to the defaults.
 */
export async function registeredWorkerSettings(clients: CloudClients): Promise<{ image?: string; size: TaskSize } | undefined> {
  const described = await awsLookup(
    { action: 'ecs:DescribeTaskDefinition', resource: `task definition ${TASK_DEFINITION_FAMILY}` },
    () => clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: TASK_DEFINITION_FAMILY })),
    ['ClientException'],
  );
  const definition = described?.taskDefinition;
  if (definition?.status !== 'ACTIVE' || !definition.cpu || !definition.memory) return undefined;
  return {
    image: definition.containerDefinitions?.[0]?.image,
    size: {
      cpuUnits: Number(definition.cpu),
      memoryMiB: Number(definition.memory),
      ephemeralStorageGiB: definition.ephemeralStorage?.sizeInGiB ?? DEFAULT_TASK_SIZE.ephemeralStorageGiB,
    },
  };
}

export async function ensureTaskDefinition(clients: CloudClients, settings: WorkerTaskSettings): Promise<SetupReport> {
  const resource = `task definition ${TASK_DEFINITION_FAMILY}`;
  const wanted = workerTaskDefinition(settings);
  const described = await awsLookup(
    { action: 'ecs:DescribeTaskDefinition', resource },
    () => clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: TASK_DEFINITION_FAMILY })),
    // ECS answers "Unable to describe task definition" as a ClientException.
    ['ClientException'],
  );
  const current = described?.taskDefinition?.status === 'ACTIVE' ? described.taskDefinition : undefined;
  const differences = current ? taskDefinitionDifferences(current, wanted) : [];
  if (current && differences.length === 0) {
    return { kind: 'task definition', name: `${TASK_DEFINITION_FAMILY}:${current.revision}`, outcome: 'found', detail: describeTaskSize(settings.size) };
  }
  const registered = await awsCall({ action: 'ecs:RegisterTaskDefinition', resource }, () =>
    clients.ecs.send(new RegisterTaskDefinitionCommand(wanted)),
  );
  const name = `${TASK_DEFINITION_FAMILY}:${registered.taskDefinition?.revision ?? '?'}`;
  if (!current) return { kind: 'task definition', name, outcome: 'created', detail: describeTaskSize(settings.size) };
  return { kind: 'task definition', name, outcome: 'updated', detail: `new revision: ${differences.join(', ')}` };
}
