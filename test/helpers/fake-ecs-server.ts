import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateLogStreamCommand,
  PutLogEventsCommand,
  type CloudWatchLogsClient,
} from '@aws-sdk/client-cloudwatch-logs';

/**
 * A small stand-in for Amazon ECS on 127.0.0.1 that the real @aws-sdk/client-ecs talks to (JSON 1.1
 * protocol, `X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Action>`). moto registers tasks but
 * never runs them and refuses FARGATE_SPOT, so this server runs each RunTask's container as a local
 * child process instead: the image's entrypoint (docker/entrypoint.sh) with the task's command and
 * environment overrides. It reports PENDING, RUNNING and STOPPED with the exit code, and can stop a
 * task the way a Spot interruption does (SIGTERM, then STOPPED with stopCode SpotInterruption).
 *
 * Supported actions: RunTask, DescribeTasks, StopTask, ListTasks, DescribeTaskDefinition (the
 * npi-rates-worker family as cloud-setup registers it; anything else "not found"). Anything else
 * answers UnknownOperationException, so a test notices.
 */
export interface FakeEcsOptions {
  /** Program and leading arguments of the container's entrypoint; the task's command is appended. */
  entrypoint: string[];
  /** Environment every container starts with (credentials, endpoints, a PATH holding npi-rates). */
  baseEnvironment: NodeJS.ProcessEnv;
  cwd?: string;
  /** When given, container output goes to CloudWatch Logs like the awslogs driver sends it. */
  logs?: { client: CloudWatchLogsClient; group: string; streamPrefix: string; containerName: string };
  /** Lets a test refuse a RunTask the way ECS does (a `failures` entry, no task). */
  refuseRunTask?: (request: RunTaskRequest) => string | undefined;
  /** Lets a test fail any request with an AWS error (`type` as ECS names it, e.g. AccessDeniedException). */
  failRequest?: (action: string, body: Record<string, unknown>) => { type: string; message: string } | undefined;
  region?: string;
  account?: string;
}

export interface RunTaskRequest {
  cluster?: string;
  taskDefinition: string;
  capacityProviderStrategy?: Array<{ capacityProvider: string; weight?: number }>;
  launchType?: string;
  startedBy?: string;
  overrides?: {
    containerOverrides?: Array<{ name?: string; command?: string[]; environment?: Array<{ name: string; value: string }> }>;
    cpu?: string;
    memory?: string;
  };
  networkConfiguration?: unknown;
}

export interface FakeTask {
  taskArn: string;
  taskId: string;
  clusterArn: string;
  taskDefinitionArn: string;
  capacityProviderName: string;
  startedBy?: string;
  command: string[];
  environment: Record<string, string>;
  lastStatus: 'PENDING' | 'RUNNING' | 'DEACTIVATING' | 'STOPPED';
  desiredStatus: 'RUNNING' | 'STOPPED';
  stopCode?: string;
  stoppedReason?: string;
  exitCode?: number;
  createdAt: number;
  startedAt?: number;
  stoppedAt?: number;
  /** Everything the container wrote to stdout and stderr. */
  output: string;
  process?: ChildProcess;
  /** Resolves once the task is STOPPED. */
  stopped: Promise<void>;
}

export interface FakeEcsServer {
  endpoint: string;
  tasks: FakeTask[];
  /** Every request received, in order: action name and parsed body. */
  requests: Array<{ action: string; body: Record<string, unknown> }>;
  /** Waits until some task satisfies the predicate (checked on every state change). */
  waitForTask(predicate: (task: FakeTask) => boolean): Promise<FakeTask>;
  /** Ends a task as AWS reclaiming Spot capacity does: SIGTERM, then STOPPED with `stopCode`. */
  interrupt(taskArn: string, stopCode?: string): Promise<void>;
  close(): Promise<void>;
}

const TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113.';

export async function startFakeEcsServer(options: FakeEcsOptions): Promise<FakeEcsServer> {
  const region = options.region ?? 'us-east-1';
  const account = options.account ?? '123456789012';
  const tasks: FakeTask[] = [];
  const requests: FakeEcsServer['requests'] = [];
  const waiters: Array<{ predicate: (task: FakeTask) => boolean; resolve: (task: FakeTask) => void }> = [];

  const notify = () => {
    for (const waiter of [...waiters]) {
      const match = tasks.find(waiter.predicate);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };

  const clusterArn = (cluster = 'default') =>
    cluster.startsWith('arn:') ? cluster : `arn:aws:ecs:${region}:${account}:cluster/${cluster}`;

  function startTask(request: RunTaskRequest): FakeTask {
    const taskId = randomUUID().replaceAll('-', '');
    const cluster = clusterArn(request.cluster);
    const override = request.overrides?.containerOverrides?.[0];
    const environment = Object.fromEntries((override?.environment ?? []).map((item) => [item.name, item.value]));
    let markStopped: () => void = () => undefined;
    const task: FakeTask = {
      taskArn: `arn:aws:ecs:${region}:${account}:task/${cluster.split('/').pop()}/${taskId}`,
      taskId,
      clusterArn: cluster,
      taskDefinitionArn: `arn:aws:ecs:${region}:${account}:task-definition/${request.taskDefinition}`,
      capacityProviderName: request.capacityProviderStrategy?.[0]?.capacityProvider ?? request.launchType ?? 'FARGATE',
      startedBy: request.startedBy,
      command: override?.command ?? [],
      environment,
      lastStatus: 'PENDING',
      desiredStatus: 'RUNNING',
      createdAt: Date.now() / 1000,
      output: '',
      stopped: new Promise<void>((resolve) => (markStopped = resolve)),
    };
    tasks.push(task);

    // Start the container after answering RunTask, as ECS does, so the first describe says PENDING.
    setImmediate(() => {
      if (task.desiredStatus === 'STOPPED') {
        finish(task, undefined, markStopped);
        return;
      }
      const [program, ...leading] = options.entrypoint;
      const child = spawn(program, [...leading, ...task.command], {
        cwd: options.cwd,
        env: { ...options.baseEnvironment, ...environment },
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, so a stop reaches every process in the "container", as in Docker.
        detached: true,
      });
      task.process = child;
      const collect = (chunk: Buffer) => {
        task.output += chunk.toString();
        notify();
      };
      child.stdout?.on('data', collect);
      child.stderr?.on('data', collect);
      child.once('spawn', () => {
        task.lastStatus = 'RUNNING';
        task.startedAt = Date.now() / 1000;
        notify();
      });
      child.once('error', (error) => {
        task.output += `cannot start the container: ${error.message}\n`;
        // Docker's code for "command not found"; 'close' may not follow a failed spawn.
        if (task.lastStatus === 'PENDING') finish(task, 127, markStopped);
      });
      child.once('close', (code, signal) => {
        // Docker reports a container killed by a signal as 128 + the signal number.
        const exitCode = code ?? (signal === 'SIGKILL' ? 137 : 143);
        finish(task, exitCode, markStopped);
      });
      notify();
    });
    return task;
  }

  const finishing = new Set<FakeTask>();
  function finish(task: FakeTask, exitCode: number | undefined, markStopped: () => void) {
    if (finishing.has(task)) return;
    finishing.add(task);
    task.exitCode = exitCode;
    if (!task.stopCode) {
      task.stopCode = 'EssentialContainerExited';
      task.stoppedReason = 'Essential container in task exited';
    }
    task.desiredStatus = 'STOPPED';
    const done = () => {
      task.lastStatus = 'STOPPED';
      task.stoppedAt = Date.now() / 1000;
      markStopped();
      notify();
    };
    if (options.logs) void shipLogs(task).finally(done);
    else done();
  }

  async function shipLogs(task: FakeTask) {
    const logs = options.logs;
    if (!logs) return;
    const logStreamName = `${logs.streamPrefix}/${logs.containerName}/${task.taskId}`;
    const lines = task.output.split('\n').filter((line) => line !== '');
    try {
      await logs.client.send(new CreateLogStreamCommand({ logGroupName: logs.group, logStreamName }));
      if (lines.length === 0) return;
      const now = Date.now();
      await logs.client.send(
        new PutLogEventsCommand({
          logGroupName: logs.group,
          logStreamName,
          logEvents: lines.map((message, index) => ({ timestamp: now + index, message })),
        }),
      );
    } catch (error) {
      task.output += `(fake ECS could not ship logs: ${(error as Error).message})\n`;
    }
  }

  function stopTask(task: FakeTask, stopCode: string, reason: string) {
    if (task.desiredStatus === 'STOPPED') return;
    task.desiredStatus = 'STOPPED';
    task.stopCode = stopCode;
    task.stoppedReason = reason;
    if (task.lastStatus === 'RUNNING') task.lastStatus = 'DEACTIVATING';
    signalContainer(task, 'SIGTERM');
    notify();
  }

  function signalContainer(task: FakeTask, signal: NodeJS.Signals) {
    const pid = task.process?.pid;
    if (pid === undefined || task.process?.exitCode !== null) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is already gone
    }
  }

  function describe(task: FakeTask) {
    return {
      taskArn: task.taskArn,
      clusterArn: task.clusterArn,
      taskDefinitionArn: task.taskDefinitionArn,
      lastStatus: task.lastStatus,
      desiredStatus: task.desiredStatus,
      launchType: 'FARGATE',
      capacityProviderName: task.capacityProviderName,
      startedBy: task.startedBy,
      stopCode: task.stopCode,
      stoppedReason: task.stoppedReason,
      createdAt: task.createdAt,
      startedAt: task.startedAt,
      stoppedAt: task.stoppedAt,
      containers: [
        {
          containerArn: `${task.taskArn.replace(':task/', ':container/')}/npi-rates`,
          taskArn: task.taskArn,
          name: 'npi-rates',
          lastStatus: task.lastStatus,
          exitCode: task.lastStatus === 'STOPPED' ? task.exitCode : undefined,
        },
      ],
    };
  }

  const findTask = (reference: string) => tasks.find((task) => task.taskArn === reference || task.taskId === reference);

  const handlers: Record<string, (body: Record<string, unknown>) => unknown> = {
    RunTask(body) {
      const request = body as unknown as RunTaskRequest;
      const refusal = options.refuseRunTask?.(request);
      if (refusal) return { tasks: [], failures: [{ reason: refusal }] };
      return { tasks: [describe(startTask(request))], failures: [] };
    },
    DescribeTasks(body) {
      const wanted = (body.tasks as string[]) ?? [];
      const found = wanted.map(findTask).filter((task): task is FakeTask => Boolean(task));
      const failures = wanted.filter((reference) => !findTask(reference)).map((arn) => ({ arn, reason: 'MISSING' }));
      return { tasks: found.map(describe), failures };
    },
    StopTask(body) {
      const task = findTask(String(body.task));
      if (!task) throw Object.assign(new Error('The referenced task was not found.'), { type: 'InvalidParameterException' });
      stopTask(task, 'UserInitiated', String(body.reason ?? 'Task stopped by user'));
      return { task: describe(task) };
    },
    ListTasks(body) {
      const matching = tasks.filter(
        (task) =>
          (!body.startedBy || task.startedBy === body.startedBy) &&
          (body.desiredStatus === 'STOPPED' ? task.desiredStatus === 'STOPPED' : task.desiredStatus === 'RUNNING'),
      );
      return { taskArns: matching.map((task) => task.taskArn) };
    },
    DescribeTaskDefinition(body: { taskDefinition?: string }) {
      // What cloud-setup registers (startFakeFargate runs it first), as a real run checks for it.
      if (body.taskDefinition !== 'npi-rates-worker') {
        throw Object.assign(new Error('Unable to describe task definition.'), { type: 'ClientException' });
      }
      return {
        taskDefinition: { family: 'npi-rates-worker', revision: 1, cpu: '4096', memory: '8192', ephemeralStorage: { sizeInGiB: 100 } },
      };
    },
  };

  const server = http.createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const action = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      requests.push({ action, body });
      const reply = (status: number, payload: unknown) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(payload));
      };
      const injected = options.failRequest?.(action, body);
      if (injected) {
        reply(400, { __type: injected.type, message: injected.message });
        return;
      }
      const handler = handlers[action];
      if (!handler) {
        reply(400, { __type: 'UnknownOperationException', message: `the fake ECS server does not implement ${action}` });
        return;
      }
      try {
        reply(200, handler(body));
      } catch (error) {
        const type = (error as { type?: string }).type ?? 'ServerException';
        reply(type === 'ServerException' ? 500 : 400, { __type: type, message: (error as Error).message });
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    tasks,
    requests,
    waitForTask(predicate) {
      const match = tasks.find(predicate);
      if (match) return Promise.resolve(match);
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
    async interrupt(taskArn, stopCode = 'SpotInterruption') {
      const task = findTask(taskArn);
      if (!task) throw new Error(`no task ${taskArn}`);
      stopTask(task, stopCode, 'Your Spot Task was interrupted.');
      await task.stopped;
    },
    async close() {
      for (const task of tasks) {
        if (task.lastStatus !== 'STOPPED') signalContainer(task, 'SIGKILL');
      }
      await Promise.all(tasks.map((task) => task.stopped));
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
