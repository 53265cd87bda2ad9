import { releaseBody, type HttpResponse } from './http-request.js';
import { readHttpRange, type HttpReadContext } from './http-range-reader.js';

/** Wakes everyone waiting; a waiter registered before a notify is never missed (one thread). */
class Notifier {
  private waiters: Array<() => void> = [];

  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  notifyAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** The chunks of one part, filled by a worker and drained by the consumer. */
class PartBuffer {
  readonly chunks: Uint8Array[] = [];
  readIndex = 0;
  done = false;
}

export interface ParallelPlan {
  totalBytes: number;
  partSizeBytes: number;
  connections: number;
  maxBufferedBytes: number;
}

/**
 * A file read as fixed-size ranged parts over several connections and passed on strictly in
 * order. Workers pull the next part number from a shared counter, but never start a part more
 * than `maxBufferedBytes / partSizeBytes` parts ahead of the one being consumed, which bounds
 * memory whatever the speed of the consumer. Each part has the single-connection resume logic
 * and checks the same validators (`context.identity`), so parts of two versions are never
 * mixed. The first failure aborts the other connections and is rethrown to the consumer.
 * `firstResponse` is the already checked 206 for part 0.
 */
export async function* readPartsInParallel(
  context: HttpReadContext,
  firstResponse: HttpResponse,
  plan: ParallelPlan,
): AsyncGenerator<Uint8Array> {
  const partCount = Math.ceil(plan.totalBytes / plan.partSizeBytes);
  const partsAhead = Math.max(1, Math.floor(plan.maxBufferedBytes / plan.partSizeBytes));
  const buffers = new Map<number, PartBuffer>();
  const dataArrived = new Notifier();
  const windowMoved = new Notifier();
  const abortController = new AbortController();
  const signal = context.options.signal
    ? AbortSignal.any([context.options.signal, abortController.signal])
    : abortController.signal;
  let nextPartToClaim = 0;
  let headPart = 0;
  let stopped = false;
  let failure: { error: unknown } | undefined;

  const partContext = (index: number): HttpReadContext => ({
    ...context,
    label: `${context.label} (part ${index + 1}/${partCount})`,
    options: { ...context.options, signal },
    // Parts share the caller's identity object and byte counter; none may adopt a new version.
    identity: context.identity,
  });

  const runWorker = async (): Promise<void> => {
    while (!stopped) {
      const index = nextPartToClaim;
      if (index >= partCount) return;
      nextPartToClaim += 1;
      while (!stopped && index >= headPart + partsAhead) await windowMoved.wait();
      if (stopped) return;

      const buffer = new PartBuffer();
      buffers.set(index, buffer);
      const startByte = index * plan.partSizeBytes;
      const endByte = Math.min(plan.totalBytes, startByte + plan.partSizeBytes);
      const first = index === 0 ? firstResponse : undefined;
      for await (const chunk of readHttpRange(partContext(index), startByte, endByte, first)) {
        buffer.chunks.push(chunk);
        dataArrived.notifyAll();
      }
      buffer.done = true;
      dataArrived.notifyAll();
    }
  };

  const failAll = (error: unknown): void => {
    if (!stopped && failure === undefined) failure = { error };
    stopped = true;
    abortController.abort();
    dataArrived.notifyAll();
    windowMoved.notifyAll();
  };

  const workerCount = Math.min(plan.connections, partCount);
  const workers = Array.from({ length: workerCount }, () => runWorker().catch(failAll));
  try {
    for (let index = 0; index < partCount; index++) {
      for (;;) {
        if (failure) throw failure.error;
        const buffer = buffers.get(index);
        if (buffer && buffer.readIndex < buffer.chunks.length) {
          const chunk = buffer.chunks[buffer.readIndex];
          buffer.chunks[buffer.readIndex] = EMPTY;
          buffer.readIndex += 1;
          yield chunk;
          continue;
        }
        if (buffer?.done) break;
        await dataArrived.wait();
      }
      buffers.delete(index);
      headPart = index + 1;
      windowMoved.notifyAll();
    }
  } finally {
    stopped = true;
    abortController.abort();
    windowMoved.notifyAll();
    if (nextPartToClaim === 0) releaseBody(firstResponse.body);
    await Promise.allSettled(workers);
  }
}

/** Replaces a passed-on chunk in its buffer so the memory is released before the part ends. */
const EMPTY = new Uint8Array(0);
