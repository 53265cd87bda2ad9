/** Splitting a run's URL list into the chunks its tasks search. */
/** Consecutive groups of at most `perChunk` URLs. */
export function chunkUrls(urls: readonly string[], perChunk: number): string[][] {
  const chunks: string[][] = [];
  for (let start = 0; start < urls.length; start += perChunk) chunks.push(urls.slice(start, start + perChunk));
  return chunks;
}
