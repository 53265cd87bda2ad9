import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  decideRetry,
  isRetryableStatus,
  parseRetryAfterMs,
  sleep,
} from '../../src/sources/retry-policy.js';

const policy = { ...DEFAULT_RETRY_POLICY, retries: 3, minBackoffMs: 100, maxBackoffMs: 1000 };

describe('decideRetry', () => {
  it('doubles the backoff per failure, with half of each step random', () => {
    expect(decideRetry(policy, { failuresInRow: 1, random: 0 })).toEqual({ retry: true, delayMs: 50 });
    expect(decideRetry(policy, { failuresInRow: 1, random: 0.999 })).toEqual({ retry: true, delayMs: 100 });
    expect(decideRetry(policy, { failuresInRow: 2, random: 0 })).toEqual({ retry: true, delayMs: 100 });
    expect(decideRetry(policy, { failuresInRow: 3, random: 0.5 })).toEqual({ retry: true, delayMs: 300 });
  });

  it('never waits longer than maxBackoffMs for its own backoff', () => {
    const generous = { ...policy, retries: 20 };
    expect(decideRetry(generous, { failuresInRow: 15, random: 0.999 })).toEqual({ retry: true, delayMs: 1000 });
  });

  it('gives up after the configured number of retries', () => {
    expect(decideRetry(policy, { failuresInRow: 4, random: 0 })).toEqual({ retry: false, reason: 'gave up after 3 retries' });
  });

  it('waits at least what Retry-After asks', () => {
    expect(decideRetry(policy, { failuresInRow: 1, retryAfterMs: 5000, random: 0 })).toEqual({ retry: true, delayMs: 5000 });
    expect(decideRetry(policy, { failuresInRow: 3, retryAfterMs: 0, random: 0 })).toEqual({ retry: true, delayMs: 200 });
  });

  it('stops instead of blocking for an hour when Retry-After asks for that', () => {
    expect(decideRetry(policy, { failuresInRow: 1, retryAfterMs: 3_600_000, random: 0 })).toEqual({
      retry: false,
      reason: 'the server asked to wait 3600 s (Retry-After)',
    });
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2024-03-01T12:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfterMs('120', now)).toBe(120_000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date, and a date in the past as now', () => {
    expect(parseRetryAfterMs('Fri, 01 Mar 2024 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfterMs('Fri, 01 Mar 2024 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs('-5', now)).toBeUndefined();
  });
});

describe('isRetryableStatus', () => {
  it('retries server errors, 408 and 429, and nothing else', () => {
    expect([500, 502, 503, 504, 408, 429].map(isRetryableStatus)).toEqual([true, true, true, true, true, true]);
    expect([400, 401, 403, 404, 410, 412, 416, 501, 505].map(isRetryableStatus)).toEqual(Array(9).fill(false));
  });
});

describe('sleep', () => {
  it('rejects with the abort reason as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('interrupted');
    const waiting = sleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
  });

  it('rejects at once when the signal is already aborted', async () => {
    await expect(sleep(10, AbortSignal.abort('stop'))).rejects.toBe('stop');
  });
});
