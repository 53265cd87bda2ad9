/**
 * cloud-run end to end on a fake ECS (test/helpers/fake-ecs-server.ts) whose tasks run the real
 * docker/entrypoint.sh with a stub `npi-rates` (test/cloud/stub-bin), S3 and logs on moto. The stub
 * keeps these tests independent of the search itself; cloud-run.search.e2e.test.ts runs the real one.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runCloudJob } from '../../src/cloud/cloud-run.js';
import { loadRunState, saveRunState } from '../../src/cloud/run-state.js';
import { readS3Text } from '../../src/cloud/s3-results.js';
import type { SearchOutput } from '../../src/search/rate-row.js';
import type { FakeEcsServer } from '../helpers/fake-ecs-server.js';
import { useMotoPerFile } from './aws-test-env.js';
import { captureIo } from '../helpers/capture-io.js';
import { BUCKET, chunkOf, startFakeFargate, stopFakeFargate, STUB_BIN, writeUrlsFile, removeTemporaryDirs } from './cloud-run-env.js';

let fake: FakeEcsServer | undefined;

useMotoPerFile(removeTemporaryDirs);
afterEach(async () => {
  await stopFakeFargate(fake);
  fake = undefined;
});

const URLS = ['https://mrf.test/a.json.gz', 'https://mrf.test/b.json.gz', 'https://mrf.test/c.json.gz', 'https://mrf.test/d.json.gz', 'https://mrf.test/e.json.gz'];
const BASE_ARGS = ['--s3-bucket', BUCKET, '--region', 'us-east-1', '--npi', '1234567893', '--urls-per-task', '2', '--subnets', 'subnet-1', '--poll-seconds', '0.05'];

async function cloudRun(...args: string[]) {
  const capture = captureIo();
  const exitCode = await main(['node', 'npi-rates', 'cloud-run', ...BASE_ARGS, ...args], capture.io);
  return { exitCode, stdout: capture.stdout(), stderr: capture.stderr() };
}

/** `cloud-run --attach RUN -o OUTPUT`, polling fast; returns the exit code. */
function attachRun(runId: string, output: string, io: ReturnType<typeof captureIo>['io']): Promise<number> {
  return main(['node', 'npi-rates', 'cloud-run', '--attach', runId, '--s3-bucket', BUCKET, '--region', 'us-east-1', '--poll-seconds', '0.05', '-o', output], io);
}

/** A detached run of two chunks: chunk 1 finishes, chunk 2's first task hangs until stopped. */
async function detachWithHangingChunk() {
  const started = await startFakeFargate(STUB_BIN);
  fake = started;
  const { dir, file } = await writeUrlsFile([URLS[0], 'https://mrf.test/hang-once.json.gz']);
  const detached = await cloudRun('--urls-file', file, '--urls-per-task', '1', '--detach');
  const runId = detached.stdout.trim();
  const hanging = await started.waitForTask((task) => task.output.includes('stub: hanging until stopped'));
  return { dir, runId, hanging, ecs: started };
}

function runIdFrom(stderr: string): string {
  const match = /Run (run-\d{8}-\d{6}-[0-9a-f]{4}):/.exec(stderr);
  if (!match) throw new Error(`no run id in:\n${stderr}`);
  return match[1];
}

describe('cloud-run on a fake Fargate', () => {
  it('runs one FARGATE_SPOT task per chunk with the chunk in its environment and merges every result in chunk order', async () => {
    fake = await startFakeFargate(STUB_BIN);
    const { dir, file } = await writeUrlsFile(URLS);
    const output = path.join(dir, 'merged.json');
    const result = await cloudRun('--urls-file', file, '-o', output);
    expect(result.exitCode, result.stderr).toBe(0);

    const merged = JSON.parse(await readFile(output, 'utf8')) as SearchOutput;
    expect(merged.results.map((row) => row.source_file)).toEqual(URLS);
    expect(merged.search_params).toEqual({ npis: [1234567893], searched_files: 5, matched_files: 5, duration_seconds: 2 });

    const runId = runIdFrom(result.stderr);
    const runTasks = fake.requests.filter((request) => request.action === 'RunTask').map((request) => request.body);
    expect(runTasks).toHaveLength(3);
    expect(runTasks[0]).toMatchObject({
      cluster: 'npi-rates',
      taskDefinition: 'npi-rates-worker',
      count: 1,
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], assignPublicIp: 'ENABLED' } },
      startedBy: `npi-rates-${runId}`,
      overrides: {
        containerOverrides: [
          {
            name: 'npi-rates',
            command: ['search', '--workers', '2', '--no-progress'],
            environment: expect.arrayContaining([
              { name: 'NPIS', value: '1234567893' },
              { name: 'URLS_S3_PATH', value: `s3://${BUCKET}/${runId}/urls/chunk-1.txt` },
              { name: 'RESULTS_S3_PATH', value: `s3://${BUCKET}/${runId}/results/task-1.json` },
            ]),
          },
        ],
      },
    });
    // The entrypoint turned the environment into flags.
    expect(fake.tasks[0].output).toContain(
      `stub npi-rates search --workers 2 --no-progress --npi 1234567893 --urls-file s3://${BUCKET}/${runId}/urls/chunk-1.txt -o s3://${BUCKET}/${runId}/results/task-1.json`,
    );
    expect(await readS3Text(`s3://${BUCKET}/${runId}/urls/chunk-3.txt`)).toBe('https://mrf.test/e.json.gz\n');

    const state = await loadRunState(BUCKET, runId, 'us-east-1');
    expect(state.status).toBe('finished');
    expect(state.chunks.map((chunk) => [chunk.index, chunk.status, chunk.attempts.length])).toEqual([[1, 'done', 1], [2, 'done', 1], [3, 'done', 1]]);
    expect(result.stderr).toMatch(/chunks: 0 pending, 0 running, 3 done, 0 failed/);
    expect(result.stderr).toMatch(/chunk 2\/3 task [0-9a-f]{32}: task launched on FARGATE_SPOT \(attempt 1 of 3\)/);
  });

  it('retries a chunk whose task is killed by a Spot interruption and loses nothing', async () => {
    fake = await startFakeFargate(STUB_BIN);
    const urls = [...URLS.slice(0, 2), 'https://mrf.test/hang-once.json.gz', URLS[3]];
    const { dir, file } = await writeUrlsFile(urls);
    const output = path.join(dir, 'merged.json');
    const running = cloudRun('--urls-file', file, '-o', output);

    const hanging = await fake.waitForTask((task) => task.output.includes('stub: hanging until stopped'));
    expect(chunkOf(hanging)).toBe(2);
    await fake.interrupt(hanging.taskArn);
    const result = await running;
    expect(result.exitCode, result.stderr).toBe(0);

    const merged = JSON.parse(await readFile(output, 'utf8')) as SearchOutput;
    expect(merged.results.map((row) => row.source_file)).toEqual(urls);
    expect(merged.errors).toEqual([]);
    const chunkTwoTasks = fake.tasks.filter((task) => chunkOf(task) === 2);
    expect(chunkTwoTasks.map((task) => [task.capacityProviderName, task.stopCode, task.exitCode])).toEqual([
      ['FARGATE_SPOT', 'SpotInterruption', 143],
      ['FARGATE_SPOT', 'EssentialContainerExited', 0],
    ]);
    expect(result.stderr).toMatch(/chunk 2\/2 task [0-9a-f]{32}: interrupted by AWS \(SpotInterruption, exit code 143, Your Spot Task was interrupted\.\); will retry \(attempt 2 of 3, on FARGATE_SPOT\)/);
  });

  it('retries a failing chunk on FARGATE on-demand last, shows its last log lines, and lists its files as errors', async () => {
    fake = await startFakeFargate(STUB_BIN);
    const { dir, file } = await writeUrlsFile([URLS[0], 'https://mrf.test/exit-5.json.gz']);
    const output = path.join(dir, 'merged.json');
    const result = await cloudRun('--urls-file', file, '--urls-per-task', '1', '--max-attempts', '2', '-o', output);
    expect(result.exitCode).toBe(1);

    const failing = fake.tasks.filter((task) => chunkOf(task) === 2);
    expect(failing.map((task) => [task.capacityProviderName, task.exitCode])).toEqual([['FARGATE_SPOT', 5], ['FARGATE', 5]]);
    expect(result.stderr).toMatch(/chunk 2\/2 task [0-9a-f]{32}: failed \(EssentialContainerExited, exit code 5, Essential container in task exited\); will retry \(attempt 2 of 2, on FARGATE\)/);
    expect(result.stderr).toContain('    | stub: the search blew up on purpose');
    expect(result.stderr).toMatch(/no attempts left \(2 of 2\)/);
    expect(result.stderr).toContain('1 of 2 chunks did not finish; their files are listed under errors.');

    const merged = JSON.parse(await readFile(output, 'utf8')) as SearchOutput;
    expect(merged.results.map((row) => row.source_file)).toEqual([URLS[0]]);
    expect(merged.search_params.incomplete).toBe(true);
    expect(merged.errors).toEqual([
      {
        source_file: 'https://mrf.test/exit-5.json.gz',
        message: 'not searched: chunk 2 gave up after 2 attempts; last: failed (EssentialContainerExited, exit code 5, Essential container in task exited)',
        code: 'NPI_RATES_CLOUD_TASK_FAILED',
      },
    ]);
  });

  it('falls back to FARGATE when ECS has no Spot capacity for a chunk', async () => {
    fake = await startFakeFargate(STUB_BIN, {
      refuseRunTask: (request) =>
        request.capacityProviderStrategy?.[0]?.capacityProvider === 'FARGATE_SPOT' ? 'Capacity is unavailable at this time.' : undefined,
    });
    const { dir, file } = await writeUrlsFile([URLS[0]]);
    const output = path.join(dir, 'merged.json');
    const result = await cloudRun('--urls-file', file, '--max-attempts', '2', '-o', output);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain('chunk 1/1: RunTask placed no task: Capacity is unavailable at this time.; will retry (attempt 2 of 2, on FARGATE)');
    expect(fake.tasks.map((task) => task.capacityProviderName)).toEqual(['FARGATE']);
  });

  it('detaches after launching, and --attach from scratch finishes and merges the run', async () => {
    fake = await startFakeFargate(STUB_BIN);
    const { dir, file } = await writeUrlsFile(URLS.slice(0, 3));
    const detached = await cloudRun('--urls-file', file, '--detach');
    expect(detached.exitCode, detached.stderr).toBe(0);
    const runId = detached.stdout.trim();
    expect(runId).toMatch(/^run-\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(detached.stderr).toContain(`npi-rates cloud-run --attach ${runId} --s3-bucket ${BUCKET} --region us-east-1`);
    expect(fake.tasks).toHaveLength(2);

    const output = path.join(dir, 'attached.json');
    const capture = captureIo();
    const exitCode = await attachRun(runId, output, capture.io);
    expect(exitCode, capture.stderr()).toBe(0);
    expect(capture.stderr()).toContain(`Attached to ${runId}`);
    const merged = JSON.parse(await readFile(output, 'utf8')) as SearchOutput;
    expect(merged.results.map((row) => row.source_file)).toEqual(URLS.slice(0, 3));
    expect(fake.tasks).toHaveLength(2);
  });

  it('cloud-stop stops a running run, and attaching afterwards merges what finished', async () => {
    const { dir, runId, hanging, ecs } = await detachWithHangingChunk();
    // Chunk 1 finishes on its own first; only the hanging chunk is left to stop.
    await ecs.waitForTask((task) => chunkOf(task) === 1 && task.lastStatus === 'STOPPED');

    const stop = captureIo();
    const stopExit = await main(['node', 'npi-rates', 'cloud-stop', runId, '--s3-bucket', BUCKET, '--region', 'us-east-1'], stop.io);
    expect(stopExit, stop.stderr()).toBe(0);
    expect(stop.stderr()).toContain(`Stopped 1 task of ${runId}: ${hanging.taskId}`);
    await hanging.stopped;
    expect([hanging.stopCode, hanging.stoppedReason]).toEqual(['UserInitiated', `npi-rates cloud-stop ${runId}`]);
    expect((await loadRunState(BUCKET, runId, 'us-east-1')).status).toBe('stopped');

    const output = path.join(dir, 'after-stop.json');
    const attach = captureIo();
    const exitCode = await attachRun(runId, output, attach.io);
    expect(exitCode).toBe(1);
    const merged = JSON.parse(await readFile(output, 'utf8')) as SearchOutput;
    expect(merged.errors.map((error) => [error.source_file, error.message])).toEqual([
      [
        'https://mrf.test/hang-once.json.gz',
        `not searched: chunk 2 was stopped after 1 attempt; last: stopped by a user (UserInitiated, exit code 143, npi-rates cloud-stop ${runId})`,
      ],
    ]);
    expect(ecs.tasks.filter((task) => chunkOf(task) === 2)).toHaveLength(1);
  });

  it('launches nothing for a stopped run on --attach, even when a task it had left running failed in a retryable way', async () => {
    const { dir, runId, hanging, ecs } = await detachWithHangingChunk();
    await ecs.waitForTask((task) => chunkOf(task) === 1 && task.lastStatus === 'STOPPED');
    // The run is marked stopped (as cloud-stop does) while its task still runs, then Spot takes
    // the task away: a retryable end, which a running run would launch again.
    const state = await loadRunState(BUCKET, runId, 'us-east-1');
    state.status = 'stopped';
    await saveRunState(state);
    await ecs.interrupt(hanging.taskArn);

    const output = path.join(dir, 'stopped-then-interrupted.json');
    const attach = captureIo();
    const exitCode = await attachRun(runId, output, attach.io);
    expect(exitCode, attach.stderr()).toBe(1);
    expect(ecs.tasks.filter((task) => chunkOf(task) === 2)).toHaveLength(1);
    expect(attach.stderr()).toContain('not retried, since the run was stopped');
    const merged = JSON.parse(await readFile(output, 'utf8')) as SearchOutput;
    expect(merged.results.map((row) => row.source_file)).toEqual([URLS[0]]);
    expect(merged.errors.map((error) => error.source_file)).toEqual(['https://mrf.test/hang-once.json.gz']);
  });

  it('stops every task of the run when interrupted (Ctrl-C) and ends with exit code 130', async () => {
    fake = await startFakeFargate(STUB_BIN);
    const { dir } = await writeUrlsFile([]);
    const interrupt = new AbortController();
    const lines: string[] = [];
    const running = runCloudJob(
      { bucket: BUCKET, region: 'us-east-1', output: path.join(dir, 'x.json'), npis: ['1234567893'], urls: [`${URLS[0]}?hang-once`], subnets: ['subnet-1'], pollIntervalMs: 50 },
      { stdout: process.stdout, say: (line) => lines.push(line), signal: interrupt.signal },
    );
    const hanging = await fake.waitForTask((task) => task.output.includes('stub: hanging until stopped'));
    interrupt.abort();
    await expect(running).rejects.toMatchObject({ code: 'NPI_RATES_INTERRUPTED', exitCode: 130 });
    expect(fake.requests.filter((request) => request.action === 'StopTask').map((request) => request.body.task)).toEqual([hanging.taskArn]);
    await hanging.stopped;
    expect(hanging.stopCode).toBe('UserInitiated');
  });

  it('launches no more than --max-running tasks at once', async () => {
    let live = 0;
    let most = 0;
    fake = await startFakeFargate(STUB_BIN, {
      // Used as a hook on every RunTask: count the tasks alive at that moment, refuse none.
      refuseRunTask: () => {
        live = fake ? fake.tasks.filter((task) => task.lastStatus !== 'STOPPED').length : 0;
        most = Math.max(most, live + 1);
        return undefined;
      },
    });
    const { dir, file } = await writeUrlsFile(URLS);
    const result = await cloudRun('--urls-file', file, '--urls-per-task', '1', '--max-running', '2', '-o', path.join(dir, 'm.json'));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(fake.tasks).toHaveLength(5);
    expect(most).toBeLessThanOrEqual(2);
  });

  it('reports an AccessDenied from RunTask as the refused action and resource, and leaves the run to resume once it is allowed', async () => {
    let isDenied = true;
    fake = await startFakeFargate(STUB_BIN, {
      failRequest: (action) =>
        action === 'RunTask' && isDenied
          ? { type: 'AccessDeniedException', message: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecs:RunTask' }
          : undefined,
    });
    const { dir, file } = await writeUrlsFile([URLS[0]]);
    const output = path.join(dir, 'after-denied.json');
    const result = await cloudRun('--urls-file', file, '-o', output);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain(
      'error: AWS refused ecs:RunTask on task definition npi-rates-worker in cluster npi-rates (AccessDeniedException: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecs:RunTask)',
    );
    const runId = runIdFrom(result.stderr);
    expect(result.stderr).toContain(`Fix the cause, then resume with: npi-rates cloud-run --attach ${runId} --s3-bucket ${BUCKET} --region us-east-1 -o ${output}`);
    expect((await loadRunState(BUCKET, runId, 'us-east-1')).status).toBe('running');

    isDenied = false;
    const attach = captureIo();
    const exitCode = await attachRun(runId, output, attach.io);
    expect(exitCode, attach.stderr()).toBe(0);
    expect((JSON.parse(await readFile(output, 'utf8')) as SearchOutput).results.map((row) => row.source_file)).toEqual([URLS[0]]);
  });
});
