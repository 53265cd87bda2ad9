import { NpiRatesError } from '../../src/shared/errors.js';

/** The NpiRatesError a piece of work rejects with; fails the test if it succeeds or throws anything else. */
export async function failure(work: Promise<unknown>): Promise<NpiRatesError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof NpiRatesError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}
