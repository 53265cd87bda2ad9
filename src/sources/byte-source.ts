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
}

export interface OpenOptions {
  signal?: AbortSignal;
  /** Called with the number of raw bytes received so far, throttled by the caller's needs. */
  onBytes?: (bytesSoFar: number) => void;
  /** Non-fatal notices (a retry, a resume) to show the user. */
  onNotice?: (message: string) => void;
}
