/** Programmatic API of the AWS Fargate fan-out (re-exported from the package by src/index.ts). */
export {
  FargateOrchestrator,
  TaskLaunchRefused,
  type FargateOrchestratorOptions,
  type LaunchRequest,
  type TaskStatus,
} from './orchestrator.js';
export { RunController, type ChunkEvent, type RunControllerOptions } from './run-controller.js';
export { runCloudJob, type CloudRunIo, type CloudRunRequest, type CloudRunResult } from './cloud-run.js';
export { stopCloudRun, type StopRunOptions } from './cloud-stop.js';
export { planRun, uploadRunInputs, type NewRunOptions } from './run-plan.js';
export { mergeRunResults } from './run-results.js';
export {
  loadRunState,
  saveRunState,
  runStateUri,
  type AttemptOutcome,
  type CapacityProvider,
  type ChunkState,
  type ChunkStatus,
  type RunState,
  type TaskAttempt,
} from './run-state.js';
export { runCloudSetup, imagePushInstructions, type CloudSetupOptions, type CloudSetupResult } from './setup.js';
export { runCloudTeardown, type CloudTeardownOptions } from './teardown.js';
export type { SetupReport, TeardownReport, SetupOutcome, TeardownOutcome } from './resource-report.js';
export { taskSizeFromFlags, DEFAULT_TASK_SIZE, type TaskSize } from './task-size.js';
export { estimateFargateCost, type CostEstimate } from './fargate-prices.js';
export { findDefaultSubnets, type DefaultSubnets } from './default-subnets.js';
export { createCloudClients, type CloudClients, type CloudClientOptions } from './aws-clients.js';
export {
  parseS3Uri,
  formatS3Uri,
  isS3Uri,
  readS3Text,
  writeS3Text,
  uploadFileToS3,
  downloadS3File,
  downloadS3Prefix,
  listS3Objects,
  deleteS3Prefix,
  s3ObjectExists,
  type S3Location,
  type S3ObjectSummary,
} from './s3-results.js';
export { awsCall, describeAwsFailure, type AwsRequest } from './aws-call.js';
