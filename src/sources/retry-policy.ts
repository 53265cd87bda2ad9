/**
 * When to try a download again and how long to wait first. The decision is a pure function over
 * plain data (no clock, no randomness inside), so it is unit-tested without a network; the only
 * side effect here is `sleep`, which an AbortSignal cancels so Ctrl-C never waits out a backoff.
 */

export interface RetryPolicy {
  /** Reconnects allowed in a row without progress. @default 8 */
  retries: number;
  /** Backoff before the first retry, in milliseconds (before jitter). @default 500 */
  minBackoffMs: number;
  /** Upper bound of the exponential backoff, in milliseconds. @default 30000 */
  maxBackoffMs: number;
  /** Growth of the backoff per failed attempt. @default 2 */
  backoffFactor: number;
  /** A Retry-After longer than this ends the retries instead of blocking the run. @default 300000 */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 8,
  minBackoffMs: 500,
  maxBackoffMs: 30_000,
  backoffFactor: 2,
  maxRetryAfterMs: 300_000,
};

/** 408 and 429 are the only client errors worth repeating; 501 and 505 will not change either. */
export function isRetryableStatus(status: number): boolean {
  if (status === 408 || status === 429) return true;
  return status >= 500 && status <= 599 && status !== 501 && status !== 505;
}

/** Network failures that a new connection may cure (Node socket codes and undici's own). */
const RETRYABLE_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'NPI_RATES_STALLED',
  'NPI_RATES_SHORT_BODY',
]);

/** The error code of a thrown value, looking one `cause` deep (fetch-style wrappers hide it there). */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const cause = (error as { cause?: unknown }).cause;
  if (typeof cause === 'object' && cause !== null) {
    const causeCode = (cause as { code?: unknown }).code;
    if (typeof causeCode === 'string') return causeCode;
  }
  return undefined;
}

export function isRetryableErrorCode(code: string | undefined): boolean {
  return code !== undefined && RETRYABLE_ERROR_CODES.has(code);
}

/**
 * Retry-After in milliseconds from now: either delay-seconds ("120") or an HTTP date. A date in
 * the past means "now" (0). Anything unreadable is ignored (undefined), as RFC 9110 allows.
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date always names a day or month; this keeps Date.parse from accepting "-5".
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const dateMs = Date.parse(trimmed);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, dateMs - nowMs);
}

export interface RetryInput {
  /** Failed attempts in a row, counting the one that just failed (1 for the first failure). */
  failuresInRow: number;
  /** What the server asked for with Retry-After, if it did. */
  retryAfterMs?: number;
  /** A number in [0, 1) for the jitter; tests pass fixed values. */
  random: number;
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so concurrent
 * clients spread out but never retry at once. A server's Retry-After is a lower bound.
 */
export function decideRetry(policy: RetryPolicy, input: RetryInput): RetryDecision {
  if (input.failuresInRow > policy.retries) {
    return { retry: false, reason: `gave up after ${policy.retries} retries` };
  }
  if (input.retryAfterMs !== undefined && input.retryAfterMs > policy.maxRetryAfterMs) {
    const seconds = Math.round(input.retryAfterMs / 1000);
    return { retry: false, reason: `the server asked to wait ${seconds} s (Retry-After)` };
  }
  const step = Math.min(
    policy.maxBackoffMs,
    policy.minBackoffMs * policy.backoffFactor ** (input.failuresInRow - 1),
  );
  const jittered = Math.round(step / 2 + (input.random * step) / 2);
  return { retry: true, delayMs: Math.max(jittered, input.retryAfterMs ?? 0) };
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
