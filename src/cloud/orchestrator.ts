import {
  DescribeTasksCommand,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { NpiRatesError, EXIT_CLOUD } from '../shared/errors.js';
import { awsCall } from './aws-call.js';
import { createCloudClients, type CloudClients } from './aws-clients.js';
import { CLUSTER_NAME, CONTAINER_NAME, TASK_DEFINITION_FAMILY, taskIdFromArn } from './resource-names.js';
import type { CapacityProvider } from './run-state.js';
import { sleep } from './sleep.js';

export interface FargateOrchestratorOptions {
  region: string;
  /** Subnets for the tasks' network interfaces (awsvpc); at least one. */
  subnets: string[];
  /** Default: the VPC's default security group. */
  securityGroups?: string[];
  /** Needed in public subnets without a NAT gateway, to reach ECR, S3 and the MRF hosts. @default true */
  assignPublicIp?: boolean;
  cluster?: string;
  taskDefinition?: string;
  /** Send ECS requests here instead of AWS (a test server); NPI_RATES_ECS_ENDPOINT does the same. */
  ecsEndpoint?: string;
  /** Between DescribeTasks polls in waitForTasks. @default 15000 */
  pollIntervalMs?: number;
  clients?: CloudClients;
}

export interface LaunchRequest {
  capacityProvider: CapacityProvider;
  /** Container command (the arguments after the image's entrypoint). */
  command: string[];
  environment: Record<string, string>;
  /** Shows in the ECS console and lets ListTasks find a run's tasks; letters, digits, - _ / only. */
  startedBy?: string;
  /** Task-level size overrides in CPU units and MiB. */
  cpuUnits?: number;
  memoryMiB?: number;
}

/** What ECS says about one task, flattened. */
export interface TaskStatus {
  taskArn: string;
  taskId: string;
  /** PROVISIONING, PENDING, ACTIVATING, RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING, STOPPED; MISSING when ECS no longer knows it. */
  lastStatus: string;
  stopCode?: string;
  stoppedReason?: string;
  exitCode?: number;
  /** The container's own reason (e.g. OutOfMemoryError, CannotPullContainerError). */
  containerReason?: string;
  capacityProvider?: string;
}

/** Thrown when ECS accepts RunTask but places no task (capacity, quota, bad subnet...). */
export class TaskLaunchRefused extends NpiRatesError {
  constructor(readonly reason: string) {
    super('NPI_RATES_RUN_TASK_REFUSED', `ECS did not start the task: ${reason}`, { exitCode: EXIT_CLOUD });
  }
}

const DESCRIBE_BATCH = 100;

/**
 * Starts, watches and stops npi-rates worker tasks on Fargate. It knows nothing about chunks or
 * retries (see run-controller.ts); it remembers the tasks it launched so `stopAll` can clean up.
 */
export class FargateOrchestrator {
  readonly cluster: string;
  readonly taskDefinition: string;
  private readonly clients: CloudClients;
  private readonly pollIntervalMs: number;
  private readonly launched = new Set<string>();
  private readonly stopped = new Set<string>();

  constructor(private readonly options: FargateOrchestratorOptions) {
    this.cluster = options.cluster ?? CLUSTER_NAME;
    this.taskDefinition = options.taskDefinition ?? TASK_DEFINITION_FAMILY;
    this.clients = options.clients ?? createCloudClients({ region: options.region, ecsEndpoint: options.ecsEndpoint });
    this.pollIntervalMs = options.pollIntervalMs ?? 15_000;
  }

  /** Tasks launched by this orchestrator (or adopted with `track`). */
  get taskArns(): string[] {
    return [...this.launched];
  }

  /** Makes `stopAll` and `waitForTasks` cover tasks started earlier (by a detached run, say). */
  track(taskArn: string): void {
    this.launched.add(taskArn);
  }

  /** Starts one worker task; resolves with its ARN once ECS has accepted it. */
  async launchTask(request: LaunchRequest): Promise<string> {
    const environment = Object.entries(request.environment).map(([name, value]) => ({ name, value }));
    const response = await awsCall({ action: 'ecs:RunTask', resource: `task definition ${this.taskDefinition} in cluster ${this.cluster}` }, () =>
      this.clients.ecs.send(
        new RunTaskCommand({
          cluster: this.cluster,
          taskDefinition: this.taskDefinition,
          count: 1,
          capacityProviderStrategy: [{ capacityProvider: request.capacityProvider, weight: 1 }],
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: this.options.subnets,
              securityGroups: this.options.securityGroups?.length ? this.options.securityGroups : undefined,
              assignPublicIp: this.options.assignPublicIp === false ? 'DISABLED' : 'ENABLED',
            },
          },
          overrides: {
            containerOverrides: [{ name: CONTAINER_NAME, command: request.command, environment }],
            cpu: request.cpuUnits === undefined ? undefined : String(request.cpuUnits),
            memory: request.memoryMiB === undefined ? undefined : String(request.memoryMiB),
          },
          startedBy: request.startedBy,
        }),
      ),
    );
    const taskArn = response.tasks?.[0]?.taskArn;
    if (!taskArn) {
      const failure = response.failures?.[0];
      throw new TaskLaunchRefused([failure?.reason, failure?.detail].filter(Boolean).join(': ') || 'no task and no reason returned');
    }
    this.launched.add(taskArn);
    return taskArn;
  }

  /** Current status of the given tasks, in the order asked; tasks ECS forgot come back as MISSING. */
  async describeTasks(taskArns: readonly string[]): Promise<TaskStatus[]> {
    const byArn = new Map<string, TaskStatus>();
    for (let start = 0; start < taskArns.length; start += DESCRIBE_BATCH) {
      const batch = taskArns.slice(start, start + DESCRIBE_BATCH);
      const response = await awsCall({ action: 'ecs:DescribeTasks', resource: `cluster ${this.cluster}` }, () =>
        this.clients.ecs.send(new DescribeTasksCommand({ cluster: this.cluster, tasks: batch })),
      );
      for (const task of response.tasks ?? []) {
        if (task.taskArn) byArn.set(task.taskArn, flattenTask(task));
      }
    }
    return taskArns.map(
      (taskArn) => byArn.get(taskArn) ?? { taskArn, taskId: taskIdFromArn(taskArn), lastStatus: 'MISSING' },
    );
  }

  /**
   * Polls until every tracked task has stopped, calling `onStatus` after each poll with all of
   * their statuses. An aborted signal ends the wait early (the tasks keep running; call stopAll).
   */
  async waitForTasks(onStatus: (statuses: TaskStatus[]) => void, signal?: AbortSignal): Promise<TaskStatus[]> {
    while (true) {
      const statuses = await this.describeTasks(this.taskArns);
      onStatus(statuses);
      if (statuses.every((status) => status.lastStatus === 'STOPPED' || status.lastStatus === 'MISSING')) return statuses;
      await sleep(this.pollIntervalMs, signal);
      if (signal?.aborted) return statuses;
    }
  }

  async stopTask(taskArn: string, reason: string): Promise<void> {
    await awsCall({ action: 'ecs:StopTask', resource: taskArn }, () =>
      this.clients.ecs.send(new StopTaskCommand({ cluster: this.cluster, task: taskArn, reason })),
    );
    this.stopped.add(taskArn);
  }

  /** Stops every task this orchestrator launched or tracked that it has not stopped yet. */
  async stopAll(reason = 'stopped by npi-rates'): Promise<string[]> {
    const toStop = this.taskArns.filter((taskArn) => !this.stopped.has(taskArn));
    const statuses = toStop.length > 0 ? await this.describeTasks(toStop) : [];
    const live = statuses.filter((status) => status.lastStatus !== 'STOPPED' && status.lastStatus !== 'MISSING');
    // Stop them all even when one refusal happens; report the first error afterwards.
    const results = await Promise.allSettled(live.map((status) => this.stopTask(status.taskArn, reason)));
    const firstFailure = results.find((result) => result.status === 'rejected');
    if (firstFailure) throw (firstFailure as PromiseRejectedResult).reason;
    return live.map((status) => status.taskArn);
  }

  /** ARNs of running or pending tasks with the given startedBy (to find tasks a crash left unrecorded). */
  async listTasksStartedBy(startedBy: string): Promise<string[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await awsCall({ action: 'ecs:ListTasks', resource: `cluster ${this.cluster}` }, () =>
        this.clients.ecs.send(new ListTasksCommand({ cluster: this.cluster, startedBy, nextToken })),
      );
      arns.push(...(page.taskArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return arns;
  }
}

function flattenTask(task: Task): TaskStatus {
  const container = task.containers?.find((item) => item.name === CONTAINER_NAME) ?? task.containers?.[0];
  return {
    taskArn: task.taskArn ?? '',
    taskId: taskIdFromArn(task.taskArn ?? ''),
    lastStatus: task.lastStatus ?? 'UNKNOWN',
    stopCode: task.stopCode,
    stoppedReason: task.stoppedReason,
    exitCode: container?.exitCode,
    containerReason: container?.reason,
    capacityProvider: task.capacityProviderName,
  };
}
