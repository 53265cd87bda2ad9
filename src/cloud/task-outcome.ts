import { EXIT_FILES_FAILED, EXIT_OK, EXIT_USAGE } from '../shared/errors.js';
import type { TaskStatus } from './orchestrator.js';
import type { AttemptOutcome } from './run-state.js';

export interface ClassifiedStop {
  outcome: AttemptOutcome;
  /** Whether another attempt may help. */
  retryable: boolean;
  /** In words, for progress lines and the final report. */
  description: string;
}

/**
 * Decides what a stopped task means for its chunk. `search` exits 0 when every file was searched
 * and 1 when some files failed but the others' results were written: both leave a complete result
 * document (the failures are listed inside it), so both count as success. Exit 2 means the command
 * line was wrong, which no retry fixes. A Spot interruption, a failure to start or any other exit
 * (137 = killed for memory, 3 = an AWS error) is worth another attempt.
 */
export function classifyStoppedTask(status: TaskStatus): ClassifiedStop {
  const exit = status.exitCode === undefined ? '' : `exit code ${status.exitCode}`;
  const reasons = [status.stopCode, exit, status.containerReason, status.stoppedReason].filter(Boolean).join(', ');

  if (status.stopCode === 'SpotInterruption' || status.stopCode === 'TerminationNotice') {
    return { outcome: 'interrupted', retryable: true, description: `interrupted by AWS (${reasons})` };
  }
  if (status.stopCode === 'UserInitiated') {
    return { outcome: 'stopped', retryable: false, description: `stopped by a user (${reasons})` };
  }
  if (status.lastStatus === 'MISSING') {
    return { outcome: 'failed', retryable: true, description: 'ECS no longer knows this task (stopped over an hour ago?) and it left no result' };
  }
  if (status.exitCode === EXIT_OK || status.exitCode === EXIT_FILES_FAILED) {
    return { outcome: 'succeeded', retryable: false, description: `finished (${reasons})` };
  }
  if (status.exitCode === EXIT_USAGE) {
    return { outcome: 'failed', retryable: false, description: `the worker refused its command line (${reasons})` };
  }
  return { outcome: 'failed', retryable: true, description: `failed (${reasons || 'no reason given'})` };
}
