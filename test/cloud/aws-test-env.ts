import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startMoto } from '../helpers/moto.js';

/**
 * A moto_server for one test file, with every SDK client pointed at it (test/helpers/moto.ts does
 * that) and AWS-managed IAM policies loaded, which cloud-setup attaches. `reset()` wipes moto's
 * state between tests.
 */
export async function useMoto(): Promise<{ endpoint: string; reset(): Promise<void>; stop(): Promise<void> }> {
  const previous = process.env.MOTO_IAM_LOAD_MANAGED_POLICIES;
  // moto knows AmazonECSTaskExecutionRolePolicy only when asked; the server inherits this variable.
  process.env.MOTO_IAM_LOAD_MANAGED_POLICIES = 'true';
  const moto = await startMoto();
  return {
    endpoint: moto.endpoint,
    async reset() {
      await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
    },
    async stop() {
      await moto.stop();
      if (previous === undefined) delete process.env.MOTO_IAM_LOAD_MANAGED_POLICIES;
      else process.env.MOTO_IAM_LOAD_MANAGED_POLICIES = previous;
    },
  };
}

/**
 * Registers the hooks every moto test file needs: one server for the file, its state wiped
 * before each test, and `afterFile` (temporary folders, say) run before the server stops.
 */
export function useMotoPerFile(afterFile: () => Promise<void> = async () => {}): void {
  let moto: Awaited<ReturnType<typeof useMoto>> | undefined;
  beforeAll(async () => {
    moto = await useMoto();
  });
  afterAll(async () => {
    await afterFile();
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto?.reset();
  });
}
