/**
 * Chunks of `source`, failing with code NPI_RATES_STALLED when the next chunk takes longer than
 * `stallTimeoutMs`. Only the wait for the network is timed, not the time the consumer spends
 * with a chunk, so a slow scanner never looks like a stalled server.
 */
export async function* failOnStall(
  source: AsyncIterable<Uint8Array>,
  stallTimeoutMs: number,
): AsyncGenerator<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        const error = new Error(`no data for ${stallTimeoutMs / 1000} s`);
        reject(Object.assign(error, { code: 'NPI_RATES_STALLED' }));
      }, stallTimeoutMs);
    });
    let result: IteratorResult<Uint8Array>;
    try {
      result = await Promise.race([iterator.next(), stalled]);
    } finally {
      clearTimeout(timer);
    }
    if (result.done) return;
    yield result.value;
  }
}
