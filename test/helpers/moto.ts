/**
 * moto_server (the AWS emulator) on a free 127.0.0.1 port, for tests that talk to S3 and other
 * services. While it runs, the environment points every SDK client made through awsClientConfig()
 * at it, with fake credentials; `stop()` ends the server and restores the environment.
 * A missing moto_server fails loudly (a skipped AWS test would look like a passing one).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';

const MOTO_ENVIRONMENT = ['NPI_RATES_AWS_ENDPOINT', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'AWS_EC2_METADATA_DISABLED', 'AWS_PROFILE', 'AWS_SESSION_TOKEN'];

async function freePort(): Promise<number> {
  const probe = net.createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as net.AddressInfo).port;
  probe.close();
  await once(probe, 'close');
  return port;
}

async function waitUntilAnswering(endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not answer at ${endpoint} within ${timeoutMs / 1000} s`);
}

export async function startMoto(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const failed = new Promise<never>((_resolve, reject) => {
    child.once('error', (error) =>
      reject(new Error(`moto_server could not start (${error.message}); install it with: pip install "moto[server]"`)),
    );
    child.once('exit', (code) => reject(new Error(`moto_server exited with code ${code}: ${stderr}`)));
  });
  failed.catch(() => undefined);
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([waitUntilAnswering(endpoint, 30_000), failed]);
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }

  const saved = Object.fromEntries(MOTO_ENVIRONMENT.map((name) => [name, process.env[name]]));
  Object.assign(process.env, {
    NPI_RATES_AWS_ENDPOINT: endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;

  return {
    endpoint,
    async stop() {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
