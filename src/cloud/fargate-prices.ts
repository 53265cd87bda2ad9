import type { TaskSize } from './task-size.js';

/**
 * Fargate prices used for the --dry-run estimate: Linux/x86, US East (N. Virginia), in USD.
 * Source: https://aws.amazon.com/fargate/pricing/ (on-demand rates as listed there and quoted by
 * third-party price guides in March and June 2026). FARGATE_SPOT has no fixed price: AWS moves it
 * with supply and demand, at 50-70% below on-demand, so the estimate gives that range. Other regions
 * cost somewhat more or less; the estimate says it is for us-east-1.
 */
export const FARGATE_PRICES_AS_OF = '2026-06';
export const FARGATE_ON_DEMAND_USD_PER_VCPU_HOUR = 0.04048;
export const FARGATE_ON_DEMAND_USD_PER_GB_HOUR = 0.004445;
/** Ephemeral storage above the free 20 GB. */
export const FARGATE_STORAGE_USD_PER_GB_HOUR = 0.000111;
export const FARGATE_FREE_STORAGE_GB = 20;
/** FARGATE_SPOT discount range off on-demand vCPU and memory rates (storage is not discounted). */
export const FARGATE_SPOT_DISCOUNT_MIN = 0.5;
export const FARGATE_SPOT_DISCOUNT_MAX = 0.7;

export interface CostEstimate {
  taskHours: number;
  onDemandUsd: number;
  /** Cheapest and dearest FARGATE_SPOT cost in the documented discount range. */
  spotLowUsd: number;
  spotHighUsd: number;
}

/** Cost of `taskCount` tasks of one size, each running `minutesPerTask` minutes. */
export function estimateFargateCost(size: TaskSize, taskCount: number, minutesPerTask: number): CostEstimate {
  const taskHours = (taskCount * minutesPerTask) / 60;
  const vcpu = size.cpuUnits / 1024;
  const memoryGb = size.memoryMiB / 1024;
  const computePerHour = vcpu * FARGATE_ON_DEMAND_USD_PER_VCPU_HOUR + memoryGb * FARGATE_ON_DEMAND_USD_PER_GB_HOUR;
  const storagePerHour = Math.max(0, size.ephemeralStorageGiB - FARGATE_FREE_STORAGE_GB) * FARGATE_STORAGE_USD_PER_GB_HOUR;
  return {
    taskHours,
    onDemandUsd: taskHours * (computePerHour + storagePerHour),
    spotLowUsd: taskHours * (computePerHour * (1 - FARGATE_SPOT_DISCOUNT_MAX) + storagePerHour),
    spotHighUsd: taskHours * (computePerHour * (1 - FARGATE_SPOT_DISCOUNT_MIN) + storagePerHour),
  };
}

export function formatUsd(amount: number): string {
  return `$${amount.toFixed(2)}`;
}
