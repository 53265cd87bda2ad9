import { DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { describeError, EXIT_CLOUD, EXIT_FILES_FAILED, EXIT_OK, NpiRatesError } from '../shared/errors.js';
import { writeSearchOutput } from '../merge/write-search-output.js';
import { summarizeSearchOutput } from '../merge/summarize.js';
import { createCloudClients, type CloudClients } from './aws-clients.js';
import { findDefaultSubnets } from './default-subnets.js';
import { checkS3OutputReachable } from './s3-results.js';
import { estimateFargateCost, FARGATE_PRICES_AS_OF, formatUsd } from './fargate-prices.js';
import { FargateOrchestrator } from './orchestrator.js';
import { TASK_DEFINITION_FAMILY } from './resource-names.js';
import { interruptedRunError, RunController, type ChunkEvent } from './run-controller.js';
import { planRun, uploadRunInputs } from './run-plan.js';
import { mergeRunResults } from './run-results.js';
import { loadRunState, runPrefixUri, saveRunState, type ChunkStatus, type RunState } from './run-state.js';
import { DEFAULT_TASK_SIZE, describeTaskSize, type TaskSize } from './task-size.js';

export interface CloudRunRequest {
  bucket: string;
  region: string;
  /** Where the merged output goes: a path, s3://..., or - for `stdout`. */
  output: string;
  /** For a new run: */
  npis?: string[];
  urls?: string[];
  urlsSourceName?: string;
  urlsPerTask?: number;
  workersPerTask?: number;
  subnets?: string[];
  securityGroups?: string[];
  assignPublicIp?: boolean;
  maxAttempts?: number;
  onDemandOnly?: boolean;
  maxRunningTasks?: number;
  cpuUnits?: number;
  memoryMiB?: number;
  dryRun?: boolean;
  estimateMinutesPerTask?: number;
  detach?: boolean;
  /** Resume watching (and merging) this run instead of starting one. */
  attachRunId?: string;
  pollIntervalMs?: number;
  ecsEndpoint?: string;
  clients?: CloudClients;
}

export interface CloudRunIo {
  /** The merged output when `output` is `-`, and the run id with --detach. */
  stdout: NodeJS.WritableStream;
  /** One line for people (progress, plan, summary), without the newline. */
  say: (line: string) => void;
  signal?: AbortSignal;
}

export interface CloudRunResult {
  runId?: string;
  exitCode: number;
  state?: RunState;
}

import { DEFAULT_ESTIMATE_MINUTES, DEFAULT_MAX_ATTEMPTS, DEFAULT_URLS_PER_TASK, DEFAULT_WORKERS_PER_TASK } from './run-defaults.js';
export { DEFAULT_ESTIMATE_MINUTES, DEFAULT_MAX_ATTEMPTS, DEFAULT_URLS_PER_TASK, DEFAULT_WORKERS_PER_TASK };

/**
 * The cloud-run workflow: plan (and with --dry-run stop there), upload the URL chunks, launch a
 * task per chunk, watch and retry them, then merge their results into one output.
 */
export async function runCloudJob(request: CloudRunRequest, io: CloudRunIo): Promise<CloudRunResult> {
  const clients = request.clients ?? createCloudClients({ region: request.region, ecsEndpoint: request.ecsEndpoint });
  // A dry run notes what a real run would stumble on, and exits 3 when anything did (it plans anyway).
  const dryRunProblems: string[] = [];
  const state = request.attachRunId
    ? await attachToRun(request, io, clients)
    : await planNewRun(request, io, clients, dryRunProblems);
  if (!state) return { exitCode: dryRunProblems.length > 0 ? EXIT_CLOUD : EXIT_OK };

  const orchestrator = new FargateOrchestrator({
    region: state.region,
    subnets: state.subnets,
    securityGroups: state.securityGroups,
    assignPublicIp: state.assignPublicIp,
    cluster: state.cluster,
    taskDefinition: state.taskDefinition,
    clients,
  });
  const controller = new RunController({
    state,
    orchestrator,
    clients,
    pollIntervalMs: request.pollIntervalMs,
    onChunkEvent: (event) => sayChunkEvent(io, state, event),
    onCounts: (counts) => io.say(`${clock()} ${describeCounts(counts)}`),
  });

  try {
    await controller.launchWaiting(io.signal);
  } catch (error) {
    // A RunTask that failed outright (no permission, a bad subnet, an AWS error) leaves the run as
    // it is, saved: tasks already launched go on, and --attach launches the rest once the cause
    // is fixed (the same as when watching fails later).
    io.say(`Run ${state.runId} could not launch every task: ${describeError(error)}`);
    io.say(
      `Fix the cause, then resume with: npi-rates cloud-run --attach ${state.runId} --s3-bucket ${state.bucket} --region ${state.region} -o ${request.output}; ` +
        `or stop it with: npi-rates cloud-stop ${state.runId} --s3-bucket ${state.bucket} --region ${state.region}`,
    );
    throw error;
  }

  if (request.detach && !io.signal?.aborted) {
    io.stdout.write(`${state.runId}\n`);
    io.say(`Detached. The tasks run on; retries and the merge happen when you attach:`);
    io.say(`  npi-rates cloud-run --attach ${state.runId} --s3-bucket ${state.bucket} --region ${state.region} -o ${request.output}`);
    return { runId: state.runId, exitCode: EXIT_OK, state };
  }

  try {
    await controller.watch(io.signal);
  } catch (error) {
    io.say(`Run ${state.runId} goes on in AWS without a watcher: ${describeError(error)}`);
    io.say(`Resume with --attach ${state.runId}, or stop it with: npi-rates cloud-stop ${state.runId} --s3-bucket ${state.bucket} --region ${state.region}`);
    throw error;
  }
  if (io.signal?.aborted) {
    const stopped = await controller.stopAll('npi-rates cloud-run interrupted (Ctrl-C)');
    throw interruptedRunError(state.runId, stopped.length);
  }

  const merged = await mergeRunResults(state);
  await writeSearchOutput(merged, request.output, io.stdout, state.region);
  const where = request.output === '-' ? 'standard output' : request.output;
  io.say(`Run ${state.runId}: ${summarizeSearchOutput(merged)} -> ${where}`);
  const unfinished = state.chunks.filter((chunk) => chunk.status !== 'done').length;
  if (unfinished > 0) io.say(`${unfinished} of ${state.chunks.length} chunks did not finish; their files are listed under errors.`);
  const exitCode = unfinished > 0 || merged.errors.length > 0 ? EXIT_FILES_FAILED : EXIT_OK;
  return { runId: state.runId, exitCode, state };
}

async function planNewRun(request: CloudRunRequest, io: CloudRunIo, clients: CloudClients, problems: string[]): Promise<RunState | undefined> {
  const urls = request.urls ?? [];
  const subnets = request.subnets?.length ? request.subnets : await defaultSubnetsOrNote(clients, io, request.dryRun ?? false, problems);
  const state = planRun({
    bucket: request.bucket,
    region: request.region,
    npis: request.npis ?? [],
    urls,
    urlsPerTask: request.urlsPerTask ?? DEFAULT_URLS_PER_TASK,
    workersPerTask: request.workersPerTask ?? DEFAULT_WORKERS_PER_TASK,
    subnets,
    securityGroups: request.securityGroups,
    assignPublicIp: request.assignPublicIp,
    maxAttempts: request.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    onDemandOnly: request.onDemandOnly,
    maxRunningTasks: request.maxRunningTasks,
    cpuUnits: request.cpuUnits,
    memoryMiB: request.memoryMiB,
  });
  const size = await taskSizeForPlan(request, clients);
  // The same checks for a dry run and a real one: a real run that would fail stops before it
  // uploads anything, so it leaves no run folder behind.
  if (size.readProblem !== undefined) {
    problems.push(`the task definition ${TASK_DEFINITION_FAMILY} could not be read in ${clients.region} (${size.readProblem}; run cloud-setup there first if it never ran)`);
  }
  const bucketProblem = await checkRunBucket(request.bucket, clients.region);
  if (bucketProblem !== undefined) problems.push(bucketProblem);
  for (const line of describePlan(state, size, request)) io.say(line);
  if (request.dryRun) {
    io.say('Dry run: nothing was uploaded or launched.');
    if (problems.length > 0) io.say(`A real run would fail: ${problems.join('; ')}.`);
    return undefined;
  }
  if (problems.length > 0) {
    throw new NpiRatesError('NPI_RATES_CLOUD_NOT_READY', `cloud-run cannot start: ${problems.join('; ')}; nothing was uploaded or launched`, {
      hint: `npi-rates cloud-setup --s3-bucket ${request.bucket} --region ${clients.region} makes what is missing`,
      exitCode: EXIT_CLOUD,
    });
  }
  await uploadRunInputs(state);
  io.say(`Run ${state.runId}: ${state.chunks.length} URL chunks uploaded to ${runPrefixUri(state.bucket, state.runId)}urls/`);
  return state;
}

async function attachToRun(request: CloudRunRequest, io: CloudRunIo, clients: CloudClients): Promise<RunState> {
  const state = await loadRunState(request.bucket, request.attachRunId ?? '', clients.region);
  io.say(`Attached to ${state.runId} (started ${state.createdAt}, ${state.chunks.length} chunks, status ${state.status}).`);
  if (state.status === 'stopped') io.say('This run was stopped: no more tasks are launched; finished chunks are merged.');
  if (state.status === 'running' && request.maxAttempts) {
    state.maxAttempts = request.maxAttempts;
    await saveRunState(state);
  }
  return state;
}

async function defaultSubnetsOrNote(clients: CloudClients, io: CloudRunIo, dryRun: boolean, problems: string[]): Promise<string[]> {
  try {
    const found = await findDefaultSubnets(clients);
    io.say(`No --subnets given: using the default subnets of the default VPC ${found.vpcId}: ${found.subnetIds.join(', ')}`);
    return found.subnetIds;
  } catch (error) {
    if (!dryRun) throw error;
    io.say(`Subnets: the default VPC's (could not look them up: ${describeError(error)})`);
    problems.push(`no subnets (${describeError(error)})`);
    return [];
  }
}

/** Why the run bucket cannot be used, or undefined (a dry run checks it; a real run would fail uploading). */
async function checkRunBucket(bucket: string, region: string): Promise<string | undefined> {
  try {
    await checkS3OutputReachable(`s3://${bucket}/`, region);
    return undefined;
  } catch (error) {
    return describeError(error);
  }
}

/** The size tasks will have: the --cpu/--memory overrides, else the registered task definition. */
async function taskSizeForPlan(request: CloudRunRequest, clients: CloudClients): Promise<{ size: TaskSize; source: string; readProblem?: string }> {
  let registered: TaskSize | undefined;
  let readProblem: string | undefined;
  let source = `task definition ${TASK_DEFINITION_FAMILY}`;
  try {
    const described = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: TASK_DEFINITION_FAMILY }));
    const definition = described.taskDefinition;
    if (definition?.cpu && definition.memory) {
      registered = {
        cpuUnits: Number(definition.cpu),
        memoryMiB: Number(definition.memory),
        ephemeralStorageGiB: definition.ephemeralStorage?.sizeInGiB ?? 20,
      };
      source = `task definition ${TASK_DEFINITION_FAMILY}:${definition.revision}`;
    }
  } catch (error) {
    source = 'the cloud-setup default; the task definition could not be read';
    readProblem = describeError(error).replace(/\.$/, '');
  }
  const base = registered ?? DEFAULT_TASK_SIZE;
  const size = { ...base, cpuUnits: request.cpuUnits ?? base.cpuUnits, memoryMiB: request.memoryMiB ?? base.memoryMiB };
  if (request.cpuUnits !== undefined || request.memoryMiB !== undefined) source = `${source}, with --cpu/--memory overrides`;
  return { size, source, readProblem: registered === undefined ? (readProblem ?? 'it has no size') : undefined };
}

function describePlan(state: RunState, { size, source }: { size: TaskSize; source: string }, request: CloudRunRequest): string[] {
  const urlCount = state.chunks.reduce((sum, chunk) => sum + chunk.urls.length, 0);
  const taskCount = state.chunks.length;
  const minutes = request.estimateMinutesPerTask ?? DEFAULT_ESTIMATE_MINUTES;
  const cost = estimateFargateCost(size, taskCount, minutes);
  const capacity = state.onDemandOnly
    ? 'FARGATE on-demand for every attempt'
    : state.maxAttempts > 1
      ? `FARGATE_SPOT; up to ${state.maxAttempts} attempts per chunk, the last on FARGATE on-demand`
      : 'FARGATE_SPOT; one attempt per chunk, not retried (a Spot interruption ends the chunk: --on-demand avoids that)';
  return [
    `Plan for ${urlCount} URLs${request.urlsSourceName ? ` from ${request.urlsSourceName}` : ''}:`,
    `  tasks:     ${taskCount} (up to ${request.urlsPerTask ?? DEFAULT_URLS_PER_TASK} URLs each, ${state.workersPerTask} files at a time in each task)`,
    `  task size: ${describeTaskSize(size)} (${source})`,
    `  capacity:  ${capacity}${state.maxRunningTasks > 0 ? `; at most ${state.maxRunningTasks} tasks at once` : ''}`,
    `  subnets:   ${state.subnets.length > 0 ? state.subnets.join(', ') : '(none found)'}${state.assignPublicIp ? ' with public IPs' : ''}`,
    `  NPIs:      ${state.npis.join(', ')}`,
    `  results:   ${runPrefixUri(state.bucket, state.runId)}results/, merged into ${request.output === '-' ? 'standard output' : request.output}`,
    `  estimated cost: ${formatUsd(cost.spotLowUsd)}-${formatUsd(cost.spotHighUsd)} on FARGATE_SPOT, ${formatUsd(cost.onDemandUsd)} on-demand,` +
      ` if each task runs ${minutes} min (${cost.taskHours.toFixed(1)} task-hours; us-east-1 prices of ${FARGATE_PRICES_AS_OF}; --estimate-minutes to change)`,
  ];
}

function sayChunkEvent(io: CloudRunIo, state: RunState, event: ChunkEvent): void {
  const task = event.taskId ? ` task ${event.taskId}` : '';
  io.say(`${clock()} chunk ${event.chunk}/${state.chunks.length}${task}: ${event.message}`);
  for (const line of event.detailLines ?? []) io.say(`    | ${line}`);
}

function describeCounts(counts: Record<ChunkStatus, number>): string {
  const parts = [
    `${counts.waiting + counts.pending} pending`,
    `${counts.running} running`,
    `${counts.done} done`,
    `${counts.failed} failed`,
  ];
  if (counts.stopped > 0) parts.push(`${counts.stopped} stopped`);
  return `chunks: ${parts.join(', ')}`;
}

function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}
