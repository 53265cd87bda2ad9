import { NpiRatesError } from '../shared/errors.js';
import { formatByteCount, type ResolvedSourceOptions } from './source-options.js';
import { decideRetry, errorCode, isRetryableErrorCode, sleep } from './retry-policy.js';

/** A status worth another try (5xx, 408, 429), carried from the response to the retry loop. */
export class RetryableStatusError extends Error {
  readonly status: number;
  readonly retryAfterMs?: number;
  /** The error to report should the retries run out. */
  readonly finalError: NpiRatesError;

  constructor(finalError: NpiRatesError, status: number, retryAfterMs?: number) {
    super(finalError.message);
    this.status = status;
    this.retryAfterMs = retryAfterMs;
    this.finalError = finalError;
  }
}

/**
 * A connection that delivered this much before failing counts as progress: the run of failures
 * starts again, so a long download over a flaky line is not capped at `retries` drops in total.
 * 64 KiB, not more: a line that drops every few hundred KB still moves the file forward, and a
 * tester's server doing that failed the file after 8 drops while 1 MiB was the mark.
 */
const PROGRESS_RESETS_RETRIES_BYTES = 64 * 1024;

export function isRetryable(error: unknown): boolean {
  return error instanceof RetryableStatusError || isRetryableErrorCode(errorCode(error));
}

/** What went wrong, in a few words for a notice line. */
function describeFailure(error: unknown, stallTimeoutMs: number): string {
  if (error instanceof RetryableStatusError) return `HTTP ${error.status}`;
  const code = errorCode(error);
  if (code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'NPI_RATES_STALLED') {
    return `no data for ${stallTimeoutMs / 1000} s`;
  }
  if (code === 'NPI_RATES_SHORT_BODY') return 'the response ended early';
  const message = error instanceof Error ? error.message : String(error);
  return code ? `connection failed (${code}: ${message})` : `connection failed (${message})`;
}

/**
 * Counts failures in a row for one byte range and sleeps the policy's backoff between attempts.
 * Shared by the HTTP and S3 readers so both report retries the same way.
 */
export class RetryTracker {
  private failuresInRow = 0;
  private positionAtLastFailure: number;

  constructor(
    private readonly options: ResolvedSourceOptions,
    private readonly label: string,
    startPosition: number,
  ) {
    this.positionAtLastFailure = startPosition;
  }

  /**
   * Rethrows `error` if it is not worth retrying, throws NPI_RATES_DOWNLOAD_FAILED once the retries
   * are spent, and otherwise reports a notice and waits the backoff.
   */
  async afterFailure(error: unknown, position: number, totalBytes: number | undefined): Promise<void> {
    if (this.options.signal?.aborted || error instanceof NpiRatesError) throw error;
    if (!isRetryable(error)) {
      throw new NpiRatesError(
        'NPI_RATES_CONNECTION_FAILED',
        `${this.label}: ${describeFailure(error, this.options.stallTimeoutMs)}`,
        { hint: 'check the address and the network', cause: error, details: { code: errorCode(error) } },
      );
    }
    if (position - this.positionAtLastFailure >= PROGRESS_RESETS_RETRIES_BYTES) this.failuresInRow = 0;
    this.positionAtLastFailure = position;
    this.failuresInRow += 1;

    const policy = this.options.retryPolicy;
    const retryAfterMs = error instanceof RetryableStatusError ? error.retryAfterMs : undefined;
    const decision = decideRetry(policy, { failuresInRow: this.failuresInRow, retryAfterMs, random: Math.random() });
    const where = `at byte ${formatByteCount(position)}${totalBytes === undefined ? '' : ` of ${formatByteCount(totalBytes)}`}`;
    const what = describeFailure(error, this.options.stallTimeoutMs);
    if (!decision.retry) {
      const cause = error instanceof RetryableStatusError ? error.finalError : error;
      throw new NpiRatesError(
        'NPI_RATES_DOWNLOAD_FAILED',
        `${this.label}: download failed ${where}: ${what}; ${decision.reason}`,
        {
          cause,
          hint: 'run the command again later; for a slow or flaky server, raise --retries and --stall-timeout',
          details: {
            position,
            status: error instanceof RetryableStatusError ? error.status : undefined,
            ...(cause instanceof NpiRatesError ? cause.details : {}),
          },
        },
      );
    }
    const seconds = (decision.delayMs / 1000).toFixed(1);
    this.options.onNotice?.(
      `${this.label}: ${what} ${where}; retry ${this.failuresInRow}/${policy.retries} in ${seconds} s, resuming there`,
    );
    await sleep(decision.delayMs, this.options.signal);
  }
}
