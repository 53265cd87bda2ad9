import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface MrfServer {
  /** `http://127.0.0.1:PORT/<name>.gz` for each fixture name. */
  urls: string[];
  /** How many GETs each file name received. */
  requestCounts: Map<string, number>;
  /** Resolves once the stalled file's first response has sent half its bytes and stopped. */
  stalled: Promise<void>;
  close(): Promise<void>;
}

/**
 * Serves fixture files gzipped on 127.0.0.1. The first request for `stallName` gets half of the
 * bytes and then nothing more (until the client goes away), as a download cut short by a Spot
 * interruption would look; later requests for it are served whole.
 */
export async function startMrfServer(fixtureDir: string, names: string[], stallName?: string): Promise<MrfServer> {
  const bodies = new Map<string, Buffer>();
  for (const name of names) bodies.set(`${name}.gz`, gzipSync(await readFile(path.join(fixtureDir, name))));
  const requestCounts = new Map<string, number>();
  let markStalled: () => void = () => undefined;
  const stalled = new Promise<void>((resolve) => (markStalled = resolve));

  const server = http.createServer((request, response) => {
    const name = decodeURIComponent((request.url ?? '/').slice(1).split('?')[0]);
    const body = bodies.get(name);
    if (!body) {
      response.writeHead(404).end();
      return;
    }
    const count = (requestCounts.get(name) ?? 0) + 1;
    requestCounts.set(name, count);
    response.writeHead(200, { 'content-type': 'application/gzip', 'content-length': String(body.length) });
    if (name === `${stallName}.gz` && count === 1) {
      response.write(body.subarray(0, Math.floor(body.length / 2)), () => markStalled());
      return;
    }
    response.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    urls: names.map((name) => `http://127.0.0.1:${port}/${name}.gz`),
    requestCounts,
    stalled,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
