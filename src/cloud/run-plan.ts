import { chunkResultUri, chunkUrlsUri, newRunId, saveRunState, type RunState } from './run-state.js';
import { chunkUrls } from './url-list.js';
import { writeS3Text } from './s3-results.js';
import { CLUSTER_NAME, TASK_DEFINITION_FAMILY } from './resource-names.js';

export interface NewRunOptions {
  bucket: string;
  region: string;
  npis: string[];
  urls: string[];
  urlsPerTask: number;
  workersPerTask: number;
  subnets: string[];
  securityGroups?: string[];
  assignPublicIp?: boolean;
  maxAttempts: number;
  onDemandOnly?: boolean;
  maxRunningTasks?: number;
  cpuUnits?: number;
  memoryMiB?: number;
  runId?: string;
}

/** Splits the URLs into chunks and describes the run; nothing is sent anywhere yet. */
export function planRun(options: NewRunOptions): RunState {
  const runId = options.runId ?? newRunId();
  const now = new Date().toISOString();
  return {
    version: 1,
    runId,
    createdAt: now,
    updatedAt: now,
    bucket: options.bucket,
    region: options.region,
    cluster: CLUSTER_NAME,
    taskDefinition: TASK_DEFINITION_FAMILY,
    npis: options.npis,
    workersPerTask: options.workersPerTask,
    subnets: options.subnets,
    securityGroups: options.securityGroups ?? [],
    assignPublicIp: options.assignPublicIp ?? true,
    maxAttempts: options.maxAttempts,
    onDemandOnly: options.onDemandOnly ?? false,
    maxRunningTasks: options.maxRunningTasks ?? 0,
    cpuUnits: options.cpuUnits,
    memoryMiB: options.memoryMiB,
    status: 'running',
    chunks: chunkUrls(options.urls, options.urlsPerTask).map((urls, position) => ({
      index: position + 1,
      urls,
      urlsUri: chunkUrlsUri(options.bucket, runId, position + 1),
      resultUri: chunkResultUri(options.bucket, runId, position + 1),
      status: 'waiting',
      attempts: [],
    })),
  };
}

/** Uploads one URL list per chunk (the file each task reads) and the run state. */
export async function uploadRunInputs(state: RunState): Promise<void> {
  for (const chunk of state.chunks) {
    await writeS3Text(chunk.urlsUri, `${chunk.urls.join('\n')}\n`, state.region);
  }
  await saveRunState(state);
}

