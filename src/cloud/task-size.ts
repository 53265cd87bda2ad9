import { usageError } from '../shared/errors.js';
import { DEFAULT_EPHEMERAL_STORAGE_GIB, DEFAULT_TASK_CPU_UNITS, DEFAULT_TASK_MEMORY_MIB } from './resource-names.js';

/** Fargate task size in the units ECS uses: CPU units (1024 = 1 vCPU), MiB, GiB. */
export interface TaskSize {
  cpuUnits: number;
  memoryMiB: number;
  ephemeralStorageGiB: number;
}

export const DEFAULT_TASK_SIZE: TaskSize = {
  cpuUnits: DEFAULT_TASK_CPU_UNITS,
  memoryMiB: DEFAULT_TASK_MEMORY_MIB,
  ephemeralStorageGiB: DEFAULT_EPHEMERAL_STORAGE_GIB,
};

// Fargate's allowed memory for each CPU size (MiB): [min, max, step]. From the ECS developer guide,
// "Task CPU and memory" table for Linux tasks.
const MEMORY_RANGE_BY_CPU_UNITS = new Map<number, [number, number, number]>([
  [256, [512, 2048, 512]],
  [512, [1024, 4096, 1024]],
  [1024, [2048, 8192, 1024]],
  [2048, [4096, 16384, 1024]],
  [4096, [8192, 30720, 1024]],
  [8192, [16384, 61440, 4096]],
  [16384, [32768, 122880, 8192]],
]);

const MIN_EPHEMERAL_GIB = 21;
const MAX_EPHEMERAL_GIB = 200;

/**
 * Builds a task size from the CLI's human units (vCPU, GB of memory, GB of disk) and refuses sizes
 * Fargate would reject, before anything is created.
 */
export function taskSizeFromFlags(vcpu?: number, memoryGb?: number, storageGb?: number): TaskSize {
  const cpuUnits = vcpu === undefined ? DEFAULT_TASK_SIZE.cpuUnits : Math.round(vcpu * 1024);
  const memoryRange = MEMORY_RANGE_BY_CPU_UNITS.get(cpuUnits);
  if (!memoryRange) {
    throw usageError('NPI_RATES_BAD_TASK_CPU', `--cpu ${vcpu} is not a Fargate size`, 'use 0.25, 0.5, 1, 2, 4, 8 or 16 (vCPU)');
  }
  const [minMiB, maxMiB, stepMiB] = memoryRange;
  // Without --memory: 8 GB when the CPU size allows it, else the nearest size it allows.
  const memoryMiB =
    memoryGb === undefined ? Math.min(Math.max(DEFAULT_TASK_SIZE.memoryMiB, minMiB), maxMiB) : Math.round(memoryGb * 1024);
  if (memoryMiB < minMiB || memoryMiB > maxMiB || memoryMiB % stepMiB !== 0) {
    throw usageError(
      'NPI_RATES_BAD_TASK_MEMORY',
      `--memory ${memoryGb} GB does not fit ${cpuUnits / 1024} vCPU on Fargate`,
      `with ${cpuUnits / 1024} vCPU use ${minMiB / 1024} to ${maxMiB / 1024} GB in steps of ${stepMiB / 1024} GB`,
    );
  }
  const ephemeralStorageGiB = storageGb ?? DEFAULT_TASK_SIZE.ephemeralStorageGiB;
  if (!Number.isInteger(ephemeralStorageGiB) || ephemeralStorageGiB < MIN_EPHEMERAL_GIB || ephemeralStorageGiB > MAX_EPHEMERAL_GIB) {
    throw usageError(
      'NPI_RATES_BAD_TASK_STORAGE',
      `--storage ${storageGb} GB is outside what Fargate allows`,
      `use a whole number from ${MIN_EPHEMERAL_GIB} to ${MAX_EPHEMERAL_GIB} (GB)`,
    );
  }
  return { cpuUnits, memoryMiB, ephemeralStorageGiB };
}

export function describeTaskSize(size: TaskSize): string {
  return `${size.cpuUnits / 1024} vCPU, ${size.memoryMiB / 1024} GB memory, ${size.ephemeralStorageGiB} GB disk`;
}
