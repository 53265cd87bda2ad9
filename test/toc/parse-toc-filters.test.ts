import { describe, expect, it } from 'vitest';
import { parseTocFilters } from '../../src/toc/parse-toc-filters.js';

describe('parseTocFilters', () => {
  it('turns the flags into filters, the plan name into a case-insensitive pattern', () => {
    const filters = parseTocFilters({ planId: '11-1000009', planName: 'ppo (gold|silver)', market: ' Group ' });
    expect(filters.planId).toBe('11-1000009');
    expect(filters.market).toBe('group');
    expect(filters.planName?.test('Acme PPO Gold')).toBe(true);
    expect(parseTocFilters({})).toEqual({});
  });

  it('refuses a market other than group or individual, with exit code 2', () => {
    expect(() => parseTocFilters({ market: 'small-group' })).toThrow(
      expect.objectContaining({ message: "--market 'small-group' is not a plan market type", exitCode: 2 }),
    );
  });

  it('refuses a plan name that is not a regular expression and an empty plan id', () => {
    expect(() => parseTocFilters({ planName: 'ppo (' })).toThrow(/^--plan-name 'ppo \(' is not a valid regular expression: /);
    expect(() => parseTocFilters({ planId: ' - ' })).toThrow("--plan-id ' - ' is empty");
  });
});
