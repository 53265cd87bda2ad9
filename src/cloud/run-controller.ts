import { EXIT_INTERRUPTED, NpiRatesError } from '../shared/errors.js';
import type { CloudClients } from './aws-clients.js';
import { TaskLaunchRefused, type FargateOrchestrator, type TaskStatus } from './orchestrator.js';
import { taskIdFromArn } from './resource-names.js';
import {
  countChunks,
  isChunkFinal,
  liveAttempt,
  saveRunState,
  type CapacityProvider,
  type ChunkState,
  type ChunkStatus,
  type RunState,
  type TaskAttempt,
} from './run-state.js';
import { s3ObjectExists } from './s3-results.js';
import { sleep } from './sleep.js';
import { lastLogLines } from './task-logs.js';
import { classifyStoppedTask } from './task-outcome.js';

/** One thing worth telling the user about a chunk. */
export interface ChunkEvent {
  chunk: number;
  taskId?: string;
  message: string;
  /** Extra lines (the log tail of a failed task). */
  detailLines?: string[];
}

export interface RunControllerOptions {
  state: RunState;
  orchestrator: FargateOrchestrator;
  clients: CloudClients;
  /** Between polls of the task statuses. @default 15000 */
  pollIntervalMs?: number;
  onChunkEvent?: (event: ChunkEvent) => void;
  /** Called whenever the count of chunks per status changes. */
  onCounts?: (counts: Record<ChunkStatus, number>, state: RunState) => void;
}

// ECS answers a RunTask over the account's Fargate vCPU quota with a failure like "You've reached
// the limit on the number of vCPUs you can run concurrently": wait for running tasks to finish
// rather than spend an attempt.
const QUOTA_REASON = /limit on the number of|quota|throttl|rate exceeded/i;

/**
 * Drives a run to its end: launches each chunk's task, polls their status, retries a chunk whose
 * task was interrupted or failed (on FARGATE_SPOT until its last attempt, which runs on FARGATE
 * on-demand), and saves the run state after every change. Retries only happen while someone
 * watches; a detached run is picked up again by `cloud-run --attach`.
 */
export class RunController {
  readonly state: RunState;
  private readonly orchestrator: FargateOrchestrator;
  private readonly clients: CloudClients;
  private readonly pollIntervalMs: number;
  private lastCountsText = '';
  private quotaNoticeShown = false;
  private dirty = false;

  constructor(private readonly options: RunControllerOptions) {
    this.state = options.state;
    this.orchestrator = options.orchestrator;
    this.clients = options.clients;
    this.pollIntervalMs = options.pollIntervalMs ?? 15_000;
    for (const chunk of this.state.chunks) {
      const live = liveAttempt(chunk);
      if (live?.taskArn) this.orchestrator.track(live.taskArn);
    }
  }

  get startedBy(): string {
    return `npi-rates-${this.state.runId}`;
  }

  isFinished(): boolean {
    return this.state.chunks.every(isChunkFinal);
  }

  /** Launches waiting chunks, up to the running-task limit, and saves the state. */
  async launchWaiting(signal?: AbortSignal): Promise<void> {
    // A stopped run (cloud-stop, Ctrl-C) launches nothing, whatever its chunks say.
    if (this.state.status === 'stopped') {
      await this.saveIfChanged();
      return;
    }
    const limit = this.state.maxRunningTasks > 0 ? this.state.maxRunningTasks : Number.POSITIVE_INFINITY;
    let live = this.state.chunks.filter((chunk) => chunk.status === 'pending' || chunk.status === 'running').length;
    try {
      for (const chunk of this.state.chunks) {
        if (signal?.aborted) break;
        if (chunk.status !== 'waiting' || live >= limit) continue;
        const launched = await this.launchChunk(chunk);
        if (launched === 'quota') break;
        if (launched === 'launched') live += 1;
      }
    } finally {
      // Saved even when a RunTask failed outright, so the tasks launched before it stay known.
      await this.saveIfChanged();
    }
  }

  /** One round: read every live task's status, settle the stopped ones, launch what waits. */
  async pollOnce(signal?: AbortSignal): Promise<void> {
    const live = this.state.chunks
      .map((chunk) => ({ chunk, attempt: liveAttempt(chunk) }))
      .filter((entry): entry is { chunk: ChunkState; attempt: TaskAttempt & { taskArn: string } } => Boolean(entry.attempt?.taskArn));
    const statuses = live.length > 0 ? await this.orchestrator.describeTasks(live.map((entry) => entry.attempt.taskArn)) : [];
    for (const [position, { chunk, attempt }] of live.entries()) {
      await this.applyStatus(chunk, attempt, statuses[position]);
    }
    await this.launchWaiting(signal);
    this.reportCounts();
  }

  /** Polls until every chunk is done, failed or stopped; returns early (without throwing) on abort. */
  async watch(signal?: AbortSignal): Promise<void> {
    this.reportCounts();
    while (!signal?.aborted) {
      await this.pollOnce(signal);
      if (this.isFinished()) break;
      await sleep(this.pollIntervalMs, signal);
    }
    if (this.isFinished() && this.state.status === 'running') {
      this.state.status = 'finished';
      this.dirty = true;
    }
    await this.saveIfChanged();
  }

  /** Stops every live task of the run (Ctrl-C, cloud-stop) and marks the run stopped. */
  async stopAll(reason: string): Promise<string[]> {
    const known = this.state.chunks.flatMap((chunk) => {
      const live = liveAttempt(chunk);
      return live?.taskArn ? [live.taskArn] : [];
    });
    // Tasks launched by a process that died before saving are found by their startedBy tag.
    for (const taskArn of [...known, ...(await this.orchestrator.listTasksStartedBy(this.startedBy))]) {
      this.orchestrator.track(taskArn);
    }
    const stopped = await this.orchestrator.stopAll(reason);
    for (const chunk of this.state.chunks) {
      if (chunk.status === 'waiting') chunk.status = 'stopped';
    }
    this.state.status = 'stopped';
    this.dirty = true;
    await this.saveIfChanged();
    return stopped;
  }

  private capacityProviderFor(attemptNumber: number): CapacityProvider {
    if (this.state.onDemandOnly) return 'FARGATE';
    return this.state.maxAttempts > 1 && attemptNumber >= this.state.maxAttempts ? 'FARGATE' : 'FARGATE_SPOT';
  }

  private async launchChunk(chunk: ChunkState): Promise<'launched' | 'refused' | 'quota'> {
    const attemptNumber = chunk.attempts.length + 1;
    const capacityProvider = this.capacityProviderFor(attemptNumber);
    const launchedAt = new Date().toISOString();
    try {
      const taskArn = await this.orchestrator.launchTask({
        capacityProvider,
        command: ['search', '--workers', String(this.state.workersPerTask), '--no-progress'],
        environment: {
          NPIS: this.state.npis.join(','),
          URLS_S3_PATH: chunk.urlsUri,
          RESULTS_S3_PATH: chunk.resultUri,
          NPI_RATES_RUN_ID: this.state.runId,
          NPI_RATES_CHUNK: String(chunk.index),
        },
        startedBy: this.startedBy,
        cpuUnits: this.state.cpuUnits,
        memoryMiB: this.state.memoryMiB,
      });
      chunk.attempts.push({ taskArn, capacityProvider, launchedAt, lastStatus: 'PROVISIONING' });
      chunk.status = 'pending';
      this.dirty = true;
      this.emit(chunk, taskArn, `task launched on ${capacityProvider} (attempt ${attemptNumber} of ${this.state.maxAttempts})`);
      return 'launched';
    } catch (error) {
      if (!(error instanceof TaskLaunchRefused)) throw error;
      if (QUOTA_REASON.test(error.reason)) {
        if (!this.quotaNoticeShown) {
          this.emit(chunk, undefined, `ECS is at a limit (${error.reason}); waiting for running tasks before launching more`);
          this.quotaNoticeShown = true;
        }
        return 'quota';
      }
      chunk.attempts.push({ capacityProvider, launchedAt, outcome: 'failed', failure: error.reason });
      this.dirty = true;
      this.settleFailure(chunk, undefined, `RunTask placed no task: ${error.reason}`, true);
      return 'refused';
    }
  }

  private async applyStatus(chunk: ChunkState, attempt: TaskAttempt & { taskArn: string }, status: TaskStatus): Promise<void> {
    if (status.lastStatus !== 'STOPPED' && status.lastStatus !== 'MISSING') {
      if (status.lastStatus !== attempt.lastStatus) {
        attempt.lastStatus = status.lastStatus;
        chunk.status = status.lastStatus === 'RUNNING' ? 'running' : 'pending';
        this.dirty = true;
        this.emit(chunk, attempt.taskArn, status.lastStatus);
      }
      return;
    }

    let classified = classifyStoppedTask(status);
    const hasResult = await s3ObjectExists(chunk.resultUri, this.state.region);
    if (status.lastStatus === 'MISSING' && hasResult) {
      classified = { outcome: 'succeeded', retryable: false, description: 'finished (its result is in S3; ECS no longer lists the task)' };
    } else if (classified.outcome === 'succeeded' && !hasResult) {
      classified = { outcome: 'failed', retryable: true, description: `${classified.description} but wrote no result to ${chunk.resultUri}` };
    }
    Object.assign(attempt, {
      lastStatus: status.lastStatus,
      stopCode: status.stopCode,
      stoppedReason: status.stoppedReason,
      exitCode: status.exitCode,
      outcome: classified.outcome,
    });
    this.dirty = true;

    if (classified.outcome === 'succeeded') {
      chunk.status = 'done';
      this.emit(chunk, attempt.taskArn, classified.description);
    } else if (classified.outcome === 'stopped') {
      chunk.status = 'stopped';
      attempt.failure = classified.description;
      this.emit(chunk, attempt.taskArn, classified.description);
    } else if (classified.outcome === 'interrupted') {
      attempt.failure = classified.description;
      this.settleFailure(chunk, attempt.taskArn, classified.description, classified.retryable);
    } else {
      const logLines = await lastLogLines(this.clients, taskIdFromArn(attempt.taskArn));
      attempt.failure = classified.description;
      attempt.logTail = logLines;
      this.settleFailure(chunk, attempt.taskArn, classified.description, classified.retryable, logLines);
    }
  }

  /** After a failed or interrupted attempt: queue another one, or give the chunk up. */
  private settleFailure(chunk: ChunkState, taskArn: string | undefined, description: string, retryable: boolean, logLines?: string[]): void {
    const attemptsMade = chunk.attempts.length;
    if (this.state.status === 'stopped') {
      chunk.status = 'stopped';
      this.emit(chunk, taskArn, `${description}; not retried, since the run was stopped`, logLines);
      return;
    }
    if (retryable && attemptsMade < this.state.maxAttempts) {
      chunk.status = 'waiting';
      const next = this.capacityProviderFor(attemptsMade + 1);
      this.emit(chunk, taskArn, `${description}; will retry (attempt ${attemptsMade + 1} of ${this.state.maxAttempts}, on ${next})`, logLines);
    } else {
      chunk.status = 'failed';
      const why = retryable ? `no attempts left (${attemptsMade} of ${this.state.maxAttempts})` : 'not retried';
      this.emit(chunk, taskArn, `${description}; ${why}`, logLines);
    }
  }

  private emit(chunk: ChunkState, taskArn: string | undefined, message: string, detailLines?: string[]): void {
    this.options.onChunkEvent?.({ chunk: chunk.index, taskId: taskArn ? taskIdFromArn(taskArn) : undefined, message, detailLines });
  }

  private reportCounts(): void {
    const counts = countChunks(this.state);
    const text = JSON.stringify(counts);
    if (text === this.lastCountsText) return;
    this.lastCountsText = text;
    this.options.onCounts?.(counts, this.state);
  }

  private async saveIfChanged(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    await saveRunState(this.state);
  }
}

/** A run ended by Ctrl-C: the CLI turns this into exit code 130. */
export function interruptedRunError(runId: string, stoppedCount: number): NpiRatesError {
  return new NpiRatesError('NPI_RATES_INTERRUPTED', `interrupted: stopped ${stoppedCount} running tasks of ${runId}`, {
    hint: `results of finished chunks stay in S3; \`npi-rates cloud-run --attach ${runId}\` merges them`,
    exitCode: EXIT_INTERRUPTED,
  });
}
