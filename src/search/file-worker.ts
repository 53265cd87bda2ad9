import { parentPort, workerData } from 'node:worker_threads';
import type { FileJob, MainMessage, WorkerMessage } from './file-worker-protocol.js';
import { RowFlow } from './row-flow.js';
import { searchFile } from './search-file.js';

/**
 * Entry point of a worker thread searching one file. Scanning is CPU-bound, so each file gets
 * its own thread; remote reference files are fetched by the main thread, which caches them for
 * the whole run.
 */
const port = parentPort;
if (!port) throw new Error('file-worker.js must run as a worker thread');

const job = workerData as FileJob;
const send = (message: WorkerMessage) => port.postMessage(message);
const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let nextRequestId = 0;

const rowFlow = new RowFlow();
port.on('message', (message: MainMessage) => {
  if (message.type === 'rows-written') {
    rowFlow.written(message.count);
    return;
  }
  const request = waiting.get(message.requestId);
  if (!request) return;
  waiting.delete(message.requestId);
  if (message.error !== undefined) request.reject(new Error(message.error));
  else request.resolve(message.document);
});

let lastProgressAt = 0;
const result = await searchFile({
  ...job,
  fetchRemote: (url) =>
    new Promise((resolve, reject) => {
      const requestId = nextRequestId++;
      waiting.set(requestId, { resolve, reject });
      send({ type: 'fetch-remote', requestId, url });
    }),
  onRows: (rows) => {
    rowFlow.sent(rows.count);
    send({ type: 'rows', rows });
  },
  rowsBackpressure: rowFlow,
  onWarning: (message) => send({ type: 'warning', message }),
  onLog: (message) => send({ type: 'log', message }),
  onProgress: (progress) => {
    const now = Date.now();
    if (now - lastProgressAt < 200) return;
    lastProgressAt = now;
    send({ type: 'progress', progress });
  },
});
send({ type: 'done', result });
port.close();
