import { randomBytes } from 'node:crypto';
import { NpiRatesError, EXIT_USAGE } from '../shared/errors.js';
import { awsErrorName } from './aws-call.js';
import { formatS3Uri, readS3Text, writeS3Text } from './s3-results.js';

export type CapacityProvider = 'FARGATE_SPOT' | 'FARGATE';

/** How one task attempt ended, once it has. */
export type AttemptOutcome = 'succeeded' | 'interrupted' | 'failed' | 'stopped';

export interface TaskAttempt {
  /** Absent when RunTask itself refused to start the task. */
  taskArn?: string;
  capacityProvider: CapacityProvider;
  launchedAt: string;
  lastStatus?: string;
  stopCode?: string;
  stoppedReason?: string;
  exitCode?: number;
  outcome?: AttemptOutcome;
  /** Why it failed or was stopped, in words. */
  failure?: string;
  /** The last lines of a failed task's CloudWatch log. */
  logTail?: string[];
}

/** waiting: not launched yet; pending/running: an attempt is live; the rest are final. */
export type ChunkStatus = 'waiting' | 'pending' | 'running' | 'done' | 'failed' | 'stopped';

export interface ChunkState {
  /** 1-based, as in `urls/chunk-N.txt` and `results/task-N.json`. */
  index: number;
  urls: string[];
  urlsUri: string;
  resultUri: string;
  status: ChunkStatus;
  attempts: TaskAttempt[];
}

/**
 * Everything needed to watch, retry, stop and merge a run, saved as `s3://B/<run-id>/run.json`
 * after every change so that `cloud-run --attach` and `cloud-stop` work from any machine.
 */
export interface RunState {
  version: 1;
  runId: string;
  createdAt: string;
  updatedAt: string;
  bucket: string;
  region: string;
  cluster: string;
  taskDefinition: string;
  npis: string[];
  workersPerTask: number;
  subnets: string[];
  securityGroups: string[];
  assignPublicIp: boolean;
  maxAttempts: number;
  /** Use FARGATE (on-demand) for every attempt. */
  onDemandOnly: boolean;
  /** At most this many chunks with a live task; 0 = no limit. */
  maxRunningTasks: number;
  /** Task-level size overrides (CPU units, MiB), when cloud-run was given --cpu/--memory. */
  cpuUnits?: number;
  memoryMiB?: number;
  status: 'running' | 'stopped' | 'finished';
  chunks: ChunkState[];
}

/** `run-20261203-132801-3fa9`: sortable by start time, unique enough with 16 random bits. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `run-${stamp}-${randomBytes(2).toString('hex')}`;
}

export function runPrefixUri(bucket: string, runId: string): string {
  return formatS3Uri(bucket, `${runId}/`);
}

export function runStateUri(bucket: string, runId: string): string {
  return formatS3Uri(bucket, `${runId}/run.json`);
}

export function chunkUrlsUri(bucket: string, runId: string, index: number): string {
  return formatS3Uri(bucket, `${runId}/urls/chunk-${index}.txt`);
}

export function chunkResultUri(bucket: string, runId: string, index: number): string {
  return formatS3Uri(bucket, `${runId}/results/task-${index}.json`);
}

export async function saveRunState(state: RunState): Promise<void> {
  state.updatedAt = new Date().toISOString();
  await writeS3Text(runStateUri(state.bucket, state.runId), `${JSON.stringify(state, null, 2)}\n`, state.region, 'application/json');
}

export async function loadRunState(bucket: string, runId: string, region: string): Promise<RunState> {
  const uri = runStateUri(bucket, runId);
  let text: string;
  try {
    text = await readS3Text(uri, region);
  } catch (error) {
    const name = awsErrorName((error as { cause?: unknown }).cause);
    if (name === 'NoSuchKey' || name === 'NotFound') {
      throw new NpiRatesError('NPI_RATES_RUN_NOT_FOUND', `no run '${runId}' in s3://${bucket} (${uri} does not exist)`, {
        hint: 'check the run id printed by cloud-run, and the --s3-bucket and --region',
        exitCode: EXIT_USAGE,
      });
    }
    throw error;
  }
  const state = JSON.parse(text) as RunState;
  if (state.version !== 1 || !Array.isArray(state.chunks)) {
    throw new NpiRatesError('NPI_RATES_RUN_STATE', `${uri} is not a run state this version of npi-rates can read`, { exitCode: EXIT_USAGE });
  }
  return state;
}

/** Counts of chunks by status, for progress lines. */
export function countChunks(state: RunState): Record<ChunkStatus, number> {
  const counts: Record<ChunkStatus, number> = { waiting: 0, pending: 0, running: 0, done: 0, failed: 0, stopped: 0 };
  for (const chunk of state.chunks) counts[chunk.status] += 1;
  return counts;
}

export function isChunkFinal(chunk: ChunkState): boolean {
  return chunk.status === 'done' || chunk.status === 'failed' || chunk.status === 'stopped';
}

export function liveAttempt(chunk: ChunkState): TaskAttempt | undefined {
  const last = chunk.attempts.at(-1);
  return last && last.taskArn && last.outcome === undefined ? last : undefined;
}
