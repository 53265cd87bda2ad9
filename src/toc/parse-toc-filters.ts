import { usageError } from '../shared/errors.js';
import type { TocFilters } from './toc-types.js';

/** The filter flags as the command line gives them (`--plan-id`, `--plan-name`, `--market`). */
export interface TocFilterFlags {
  planId?: string;
  planName?: string;
  market?: string;
}

/**
 * Checks and converts the filter flags shared by `urls` and `search --toc-url`. The plan name is
 * a regular expression matched anywhere in plan_name, ignoring letter case.
 */
export function parseTocFilters(flags: TocFilterFlags): TocFilters {
  const filters: TocFilters = {};

  if (flags.planId !== undefined) {
    if (flags.planId.replace(/[-\s]/g, '') === '') {
      throw usageError('NPI_RATES_BAD_OPTION', `--plan-id '${flags.planId}' is empty`, 'give a HIOS plan id or an EIN, e.g. --plan-id 12-3456789');
    }
    filters.planId = flags.planId;
  }

  if (flags.planName !== undefined) {
    try {
      filters.planName = new RegExp(flags.planName, 'i');
    } catch (error) {
      throw usageError(
        'NPI_RATES_BAD_OPTION',
        `--plan-name '${flags.planName}' is not a valid regular expression: ${(error as Error).message}`,
        'escape special characters such as ( ) [ ] + with a backslash, or give a plain word',
      );
    }
  }

  if (flags.market !== undefined) {
    const market = flags.market.trim().toLowerCase();
    if (market !== 'group' && market !== 'individual') {
      throw usageError('NPI_RATES_BAD_OPTION', `--market '${flags.market}' is not a plan market type`, "use --market group or --market individual");
    }
    filters.market = market;
  }
  return filters;
}
