import { startMoto } from './moto-server.js';

/**
 * Points every SDK client at a fresh moto_server with fake credentials, for one test file.
 * `reset()` wipes moto's state between tests.
 */
export async function useMoto(): Promise<{ endpoint: string; reset(): Promise<void>; stop(): Promise<void> }> {
  const saved = { ...process.env };
  // moto only knows AWS-managed IAM policies (AmazonECSTaskExecutionRolePolicy) when asked to load
  // them; the server inherits this from our environment.
  process.env.MOTO_IAM_LOAD_MANAGED_POLICIES = 'true';
  const moto = await startMoto();
  Object.assign(process.env, {
    NPI_RATES_AWS_ENDPOINT: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
  });
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  return {
    endpoint: moto.endpoint,
    async reset() {
      await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
    },
    async stop() {
      process.env = saved;
      await moto.stop();
    },
  };
}
