import { usageError } from '../shared/errors.js';

/** A whole-number option (--retries 3) within [minimum, maximum]; undefined when not given. */
export function optionalCount(value: string | undefined, name: string, minimum: number, maximum = Infinity): number | undefined {
  if (value === undefined) return undefined;
  const count = Number(value);
  if (!Number.isInteger(count) || count < minimum || count > maximum) {
    const range = maximum === Infinity ? `of at least ${minimum}` : `from ${minimum} to ${maximum}`;
    throw usageError('NPI_RATES_BAD_OPTION', `${name} "${value}" must be a whole number ${range}`);
  }
  return count;
}
