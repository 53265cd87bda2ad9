import { describe, expect, it } from 'vitest';
import { estimateFargateCost } from '../../src/cloud/fargate-prices.js';
import { planRun } from '../../src/cloud/run-plan.js';
import { newRunId } from '../../src/cloud/run-state.js';
import { classifyStoppedTask } from '../../src/cloud/task-outcome.js';
import { DEFAULT_TASK_SIZE, taskSizeFromFlags } from '../../src/cloud/task-size.js';
import { chunkUrls } from '../../src/cloud/url-list.js';
import { parseUrlList } from '../../src/search/url-list.js';
import { samePolicy, taskRoleS3Policy } from '../../src/cloud/iam-policies.js';

describe('URL lists', () => {
  it('ignores comments, blank lines and Windows line ends, and drops duplicates', () => {
    const text = '# payer index\r\nhttps://a/1.json.gz\r\n\r\n  https://a/2.json.gz  \r\nhttps://a/1.json.gz\r\n';
    expect(parseUrlList(text, 'urls.txt')).toEqual(['https://a/1.json.gz', 'https://a/2.json.gz']);
  });

  it('accepts a JSON array of URLs and refuses a JSON array of something else', () => {
    expect(parseUrlList('["https://a/1", "https://a/2"]', 'u.json')).toEqual(['https://a/1', 'https://a/2']);
    expect(() => parseUrlList('[1, 2]', 'u.json')).toThrowError('u.json: the JSON array must hold only URL strings');
  });

  it('cuts the list into consecutive chunks, the last one shorter', () => {
    expect(chunkUrls(['a', 'b', 'c', 'd', 'e'], 2)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });
});

describe('planRun', () => {
  it('numbers chunks from 1 and puts their URL lists and results under the run prefix', () => {
    const state = planRun({
      bucket: 'b', region: 'us-east-1', npis: ['1234567893'], urls: ['u1', 'u2', 'u3'], urlsPerTask: 2, workersPerTask: 2,
      subnets: ['s'], maxAttempts: 3, runId: 'run-20260101-000000-abcd',
    });
    expect(state.chunks.map((chunk) => [chunk.index, chunk.urls, chunk.urlsUri, chunk.resultUri, chunk.status])).toEqual([
      [1, ['u1', 'u2'], 's3://b/run-20260101-000000-abcd/urls/chunk-1.txt', 's3://b/run-20260101-000000-abcd/results/task-1.json', 'waiting'],
      [2, ['u3'], 's3://b/run-20260101-000000-abcd/urls/chunk-2.txt', 's3://b/run-20260101-000000-abcd/results/task-2.json', 'waiting'],
    ]);
    expect([state.cluster, state.taskDefinition, state.assignPublicIp, state.status]).toEqual(['npi-rates', 'npi-rates-worker', true, 'running']);
  });

  it('makes run ids from the UTC start time', () => {
    expect(newRunId(new Date('2026-12-03T13:28:01Z'))).toMatch(/^run-20261203-132801-[0-9a-f]{4}$/);
  });
});

describe('classifyStoppedTask', () => {
  const base = { taskArn: 'arn:aws:ecs:us-east-1:1:task/npi-rates/abc', taskId: 'abc', lastStatus: 'STOPPED' };

  it('counts exit codes 0 and 1 as success: search wrote its document either way', () => {
    expect(classifyStoppedTask({ ...base, stopCode: 'EssentialContainerExited', exitCode: 0 }).outcome).toBe('succeeded');
    expect(classifyStoppedTask({ ...base, stopCode: 'EssentialContainerExited', exitCode: 1 }).outcome).toBe('succeeded');
  });

  it('retries Spot interruptions and crashes, but not a refused command line or a user stop', () => {
    expect(classifyStoppedTask({ ...base, stopCode: 'SpotInterruption', exitCode: 143 })).toMatchObject({ outcome: 'interrupted', retryable: true });
    expect(classifyStoppedTask({ ...base, stopCode: 'EssentialContainerExited', exitCode: 137, containerReason: 'OutOfMemoryError: Container killed due to memory usage' })).toEqual({
      outcome: 'failed',
      retryable: true,
      description: 'failed (EssentialContainerExited, exit code 137, OutOfMemoryError: Container killed due to memory usage)',
    });
    expect(classifyStoppedTask({ ...base, stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)' })).toMatchObject({
      outcome: 'failed',
      retryable: true,
    });
    expect(classifyStoppedTask({ ...base, stopCode: 'EssentialContainerExited', exitCode: 2 })).toMatchObject({ outcome: 'failed', retryable: false });
    expect(classifyStoppedTask({ ...base, stopCode: 'UserInitiated', exitCode: 143 })).toMatchObject({ outcome: 'stopped', retryable: false });
  });
});

describe('task sizes and cost', () => {
  it('defaults to 4 vCPU, 8 GB and 100 GB', () => {
    expect(taskSizeFromFlags()).toEqual({ cpuUnits: 4096, memoryMiB: 8192, ephemeralStorageGiB: 100 });
  });

  it('refuses sizes Fargate would reject, naming what fits', () => {
    expect(() => taskSizeFromFlags(3)).toThrowError('--cpu 3 is not a Fargate size');
    expect(() => taskSizeFromFlags(1, 16)).toThrowError('--memory 16 GB does not fit 1 vCPU on Fargate');
    expect(() => taskSizeFromFlags(4, 8, 10)).toThrowError('--storage 10 GB is outside what Fargate allows');
    expect(taskSizeFromFlags(0.25)).toEqual({ cpuUnits: 256, memoryMiB: 2048, ephemeralStorageGiB: 100 });
  });

  it('estimates 10 default tasks of one hour at $0.68 to $1.08 on Spot and $2.06 on-demand', () => {
    // per task-hour: compute 4 x 0.04048 + 8 x 0.004445 = 0.19748; disk 80 x 0.000111 = 0.00888.
    const estimate = estimateFargateCost(DEFAULT_TASK_SIZE, 10, 60);
    expect(estimate.taskHours).toBe(10);
    expect(estimate.onDemandUsd).toBeCloseTo(2.0636, 4);
    expect(estimate.spotLowUsd).toBeCloseTo(0.68124, 5);
    expect(estimate.spotHighUsd).toBeCloseTo(1.0762, 4);
  });
});

describe('IAM policy comparison', () => {
  it('compares the URL-encoded document IAM returns by meaning', () => {
    const wanted = taskRoleS3Policy('b');
    const returned = encodeURIComponent(JSON.stringify({ ...wanted, Statement: wanted.Statement.map((statement) => ({ ...statement })) }, null, 4));
    expect(samePolicy(returned, wanted)).toBe(true);
    expect(samePolicy(encodeURIComponent(JSON.stringify(taskRoleS3Policy('other'))), wanted)).toBe(false);
  });
});
