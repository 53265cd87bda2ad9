import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCloudClients } from '../../src/cloud/aws-clients.js';
import { runCloudSetup } from '../../src/cloud/setup.js';
import { startFakeEcsServer, type FakeEcsOptions, type FakeEcsServer } from '../helpers/fake-ecs-server.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ENTRYPOINT = path.join(REPO_ROOT, 'docker', 'entrypoint.sh');
export const STUB_BIN = path.join(REPO_ROOT, 'test', 'cloud', 'stub-bin');
export const BUCKET = 'npi-runs';

/**
 * A fake ECS whose tasks run docker/entrypoint.sh with `binDir` (holding an `npi-rates`) first on
 * PATH, talking to moto for S3 and CloudWatch Logs; cloud-setup has made the bucket and log group.
 */
export async function startFakeFargate(binDir: string, extra: Partial<FakeEcsOptions> = {}): Promise<FakeEcsServer> {
  await runCloudSetup({ bucket: BUCKET, region: 'us-east-1' });
  const fake = await startFakeEcsServer({
    entrypoint: ['sh', ENTRYPOINT],
    baseEnvironment: { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` },
    cwd: REPO_ROOT,
    logs: { client: createCloudClients({ region: 'us-east-1' }).logs, group: '/ecs/npi-rates', streamPrefix: 'worker', containerName: 'npi-rates' },
    ...extra,
  });
  process.env.NPI_RATES_ECS_ENDPOINT = fake.endpoint;
  return fake;
}

export async function stopFakeFargate(fake: FakeEcsServer | undefined): Promise<void> {
  delete process.env.NPI_RATES_ECS_ENDPOINT;
  await fake?.close();
}

const temporaryDirs: string[] = [];

/** A temporary folder removed by `removeTemporaryDirs` (call it in afterAll). */
export async function makeTemporaryDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  temporaryDirs.push(dir);
  return dir;
}

export async function removeTemporaryDirs(): Promise<void> {
  for (const dir of temporaryDirs.splice(0)) await rm(dir, { recursive: true, force: true });
}

export async function writeUrlsFile(urls: string[]): Promise<{ dir: string; file: string }> {
  const dir = await makeTemporaryDir('cloud-run-test-');
  const file = path.join(dir, 'urls.txt');
  await writeFile(file, `# test URLs\n${urls.join('\n')}\n`);
  return { dir, file };
}

/** The chunk number a fake task works on, from its URLS_S3_PATH. */
export function chunkOf(task: { environment: Record<string, string> }): number {
  return Number(/chunk-(\d+)\.txt$/.exec(task.environment.URLS_S3_PATH ?? '')?.[1]);
}
