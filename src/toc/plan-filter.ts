import type { TocFilters, TocPlan } from './toc-types.js';

const EIN_DIGITS = 9;

/**
 * The comparable form of a plan id: dashes, spaces and letter case removed. An EIN published as a
 * JSON number has lost its leading zeros (012345678 becomes 12345678), so a numeric EIN shorter
 * than nine digits is padded back.
 */
export function normalizePlanId(planId: string, planIdType?: string | null): string {
  const compact = planId.replace(/[-\s]/g, '').toUpperCase();
  if (planIdType === 'ein' && /^\d+$/.test(compact) && compact.length < EIN_DIGITS) {
    return compact.padStart(EIN_DIGITS, '0');
  }
  return compact;
}

export function hasFilters(filters: TocFilters): boolean {
  return filters.planId !== undefined || filters.planName !== undefined || filters.market !== undefined;
}

/** Builds the test once so the id is normalised once, not per plan of a multi-GB index. */
export function createPlanMatcher(filters: TocFilters): (plan: TocPlan) => boolean {
  const wantedId = filters.planId === undefined ? undefined : normalizePlanId(filters.planId);
  const wantedIdAsEin = wantedId === undefined ? undefined : normalizePlanId(wantedId, 'ein');
  const { planName, market } = filters;

  return (plan) => {
    if (wantedId !== undefined) {
      if (plan.plan_id === null) return false;
      const publishedId = normalizePlanId(plan.plan_id, plan.plan_id_type);
      if (publishedId !== wantedId && publishedId !== wantedIdAsEin) return false;
    }
    if (planName !== undefined) {
      // A global or sticky RegExp keeps lastIndex between test() calls; reset it so every plan is tested whole.
      planName.lastIndex = 0;
      if (plan.plan_name === null || !planName.test(plan.plan_name)) return false;
    }
    if (market !== undefined && plan.plan_market_type !== market) return false;
    return true;
  };
}
