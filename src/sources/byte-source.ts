/**
 * The seam between transport and scanning: every location (http(s), s3, local path, file://)
 * becomes a stream of raw bytes as stored (possibly gzip, zip, ...). Decompression happens
 * above this layer (see decode-layers.ts), resume and retries below it.
 */
export interface ByteStream {
  /** Raw bytes in order. Retries and resumes are invisible to the consumer. */
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Total size in bytes when the server or file system says so. */
  readonly totalBytes?: number;
  /**
   * The same bytes from the start again, where that costs nothing (a local file); other sources
   * leave it out and a caller that needs a second read keeps its own copy.
   */
  readonly readAgain?: () => AsyncIterable<Uint8Array>;
}

export interface OpenOptions {
  signal?: AbortSignal;
  /** Called with the number of raw bytes received so far, throttled by the caller's needs. */
  onBytes?: (bytesSoFar: number) => void;
  /** Non-fatal notices (a retry, a resume) to show the user. */
  onNotice?: (message: string) => void;
}
