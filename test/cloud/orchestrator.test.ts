/**
 * FargateOrchestrator against the fake ECS server, with a plain shell command as the container
 * (no moto, no npi-rates): launch, status polling, exit codes, stopAll.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FargateOrchestrator, type TaskStatus } from '../../src/cloud/orchestrator.js';
import { startFakeEcsServer, type FakeEcsServer } from '../helpers/fake-ecs-server.js';

let fake: FakeEcsServer;
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' };
const saved = Object.fromEntries(Object.keys(CREDENTIALS).map((name) => [name, process.env[name]]));

beforeAll(() => {
  Object.assign(process.env, CREDENTIALS);
});
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});
afterEach(async () => {
  await fake?.close();
});

// The container: `sh -c SCRIPT container ARGS...`; the task's command becomes the script's "$@".
async function startFake(script: string) {
  fake = await startFakeEcsServer({ entrypoint: ['sh', '-c', script, 'container'], baseEnvironment: process.env });
  return new FargateOrchestrator({ region: 'us-east-1', subnets: ['subnet-1'], ecsEndpoint: fake.endpoint, pollIntervalMs: 20 });
}

describe('FargateOrchestrator', () => {
  it('launches tasks with their command and environment and waits until all have stopped, reporting exit codes', async () => {
    const orchestrator = await startFake('echo "args: $*"; exit "$EXIT_WITH"');
    const first = await orchestrator.launchTask({ capacityProvider: 'FARGATE_SPOT', command: ['one', 'two'], environment: { EXIT_WITH: '0' } });
    const second = await orchestrator.launchTask({ capacityProvider: 'FARGATE', command: [], environment: { EXIT_WITH: '4' } });
    const seen: TaskStatus[][] = [];
    const final = await orchestrator.waitForTasks((statuses) => seen.push(statuses));

    expect(final.map((status) => [status.taskArn, status.lastStatus, status.stopCode, status.exitCode, status.capacityProvider])).toEqual([
      [first, 'STOPPED', 'EssentialContainerExited', 0, 'FARGATE_SPOT'],
      [second, 'STOPPED', 'EssentialContainerExited', 4, 'FARGATE'],
    ]);
    expect(seen.length).toBeGreaterThan(0);
    expect(fake.tasks[0].output).toBe('args: one two\n');
  });

  it('stopAll stops every task still running and leaves finished ones alone', async () => {
    const orchestrator = await startFake('if [ "$1" = long ]; then sleep 30; fi');
    const quick = await orchestrator.launchTask({ capacityProvider: 'FARGATE_SPOT', command: ['quick'], environment: {} });
    await fake.tasks[0].stopped;
    const long = await orchestrator.launchTask({ capacityProvider: 'FARGATE_SPOT', command: ['long'], environment: {} });
    await fake.waitForTask((task) => task.taskArn === long && task.lastStatus === 'RUNNING');

    expect(await orchestrator.stopAll('test says stop')).toEqual([long]);
    const final = await orchestrator.waitForTasks(() => undefined);
    expect(final.map((status) => [status.taskArn, status.stopCode, status.stoppedReason, status.exitCode])).toEqual([
      [quick, 'EssentialContainerExited', 'Essential container in task exited', 0],
      [long, 'UserInitiated', 'test says stop', 143],
    ]);
  });

  it('turns a RunTask that places no task into an error with ECS\'s reason', async () => {
    fake = await startFakeEcsServer({
      entrypoint: ['true'],
      baseEnvironment: process.env,
      refuseRunTask: () => "You've reached the limit on the number of vCPUs you can run concurrently",
    });
    const orchestrator = new FargateOrchestrator({ region: 'us-east-1', subnets: ['subnet-1'], ecsEndpoint: fake.endpoint });
    await expect(orchestrator.launchTask({ capacityProvider: 'FARGATE_SPOT', command: [], environment: {} })).rejects.toMatchObject({
      code: 'NPI_RATES_RUN_TASK_REFUSED',
      message: "ECS did not start the task: You've reached the limit on the number of vCPUs you can run concurrently",
    });
  });

  it('reports tasks ECS no longer knows as MISSING', async () => {
    const orchestrator = await startFake('exit 0');
    const [status] = await orchestrator.describeTasks(['arn:aws:ecs:us-east-1:123456789012:task/npi-rates/gone']);
    expect(status).toEqual({ taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/npi-rates/gone', taskId: 'gone', lastStatus: 'MISSING' });
  });
});
