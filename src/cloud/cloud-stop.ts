import { createCloudClients, type CloudClients } from './aws-clients.js';
import { FargateOrchestrator } from './orchestrator.js';
import { RunController } from './run-controller.js';
import { loadRunState } from './run-state.js';

export interface StopRunOptions {
  bucket: string;
  region: string;
  runId: string;
  ecsEndpoint?: string;
  clients?: CloudClients;
}

/** Stops a run's live tasks (from its saved state and by its startedBy tag) and marks it stopped. */
export async function stopCloudRun(options: StopRunOptions): Promise<string[]> {
  const clients = options.clients ?? createCloudClients({ region: options.region, ecsEndpoint: options.ecsEndpoint });
  const state = await loadRunState(options.bucket, options.runId, clients.region);
  const orchestrator = new FargateOrchestrator({
    region: state.region,
    subnets: state.subnets,
    cluster: state.cluster,
    taskDefinition: state.taskDefinition,
    clients,
  });
  const controller = new RunController({ state, orchestrator, clients });
  return controller.stopAll(`npi-rates cloud-stop ${options.runId}`);
}
