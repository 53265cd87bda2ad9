/**
 * One error type for everything the tool reports to a user. `code` is stable (listed in
 * docs/errors.md), `exitCode` is what the process exits with when this error ends a command,
 * and `hint` says what to do next.
 */
export const EXIT_OK = 0;
/** Some files could not be searched (or were incomplete); the results of the others were written. */
export const EXIT_FILES_FAILED = 1;
/** Bad arguments or an unusable setup: nothing was searched. */
export const EXIT_USAGE = 2;
/** A cloud (AWS) operation failed. */
export const EXIT_CLOUD = 3;
/** Interrupted by Ctrl-C (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

export interface NpiRatesErrorOptions {
  hint?: string;
  exitCode?: number;
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class NpiRatesError extends Error {
  readonly code: string;
  readonly exitCode: number;
  readonly hint?: string;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, options: NpiRatesErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NpiRatesError';
    this.code = code;
    this.exitCode = options.exitCode ?? EXIT_FILES_FAILED;
    this.hint = options.hint;
    this.details = options.details ?? {};
  }
}

/** A problem with what the user typed: exits with EXIT_USAGE before any download starts. */
export function usageError(code: string, message: string, hint?: string): NpiRatesError {
  return new NpiRatesError(code, message, { hint, exitCode: EXIT_USAGE });
}

/** The message and hint of any thrown value, as one line for an `error:` report. */
export function describeError(error: unknown): string {
  if (error instanceof NpiRatesError) {
    return error.hint ? `${error.message} (${error.hint})` : error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
