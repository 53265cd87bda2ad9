import { readFileSync } from 'node:fs';
import type { OpenOptions } from './byte-source.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';

/** How a remote source is read. Every field is optional; the defaults suit multi-GB MRF files. */
export interface SourceOptions extends OpenOptions {
  /** Give up on a connection that delivers no byte for this long, then resume. @default 60000 */
  stallTimeoutMs?: number;
  /** Reconnects in a row without progress before the file fails. @default 8 */
  retries?: number;
  /**
   * Parallel ranged connections for one HTTP file. Used only when the server tells the length
   * and honours Range; otherwise one connection. @default 4 (http), 1 (s3, files)
   */
  connections?: number;
  /** Sent as User-Agent; some CDNs refuse script-like agents. */
  userAgent?: string;
  /** First backoff before a retry, in milliseconds. @default 500 */
  minBackoffMs?: number;
  /** Longest backoff between retries, in milliseconds. @default 30000 */
  maxBackoffMs?: number;
  /** Size of one ranged part when connections > 1, in bytes. @default 8 MiB */
  partSizeBytes?: number;
  /** Most bytes fetched ahead of the consumer when connections > 1. @default 64 MiB */
  maxBufferedBytes?: number;
  /** Redirects followed before giving up. @default 10 */
  maxRedirects?: number;
}

export const MIB = 1024 * 1024;
/** The most `--connections` the commands take: more gain nothing but a server's refusal (and look like abuse). */
export const MAX_CONNECTIONS = 32;

function packageVersion(): string {
  try {
    const packageJson = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version?: string };
    return packageJson.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Descriptive on purpose: CDNs that block anonymous scripts usually let a named tool with a link through. */
export const DEFAULT_USER_AGENT = `npi-rates/${packageVersion()} (+https://github.com/npi-rates)`;

/** SourceOptions with every default filled in, as the readers below open-source.ts use them. */
export interface ResolvedSourceOptions {
  signal?: AbortSignal;
  onBytes?: (bytesSoFar: number) => void;
  onNotice?: (message: string) => void;
  stallTimeoutMs: number;
  connections?: number;
  userAgent: string;
  partSizeBytes: number;
  maxBufferedBytes: number;
  maxRedirects: number;
  retryPolicy: RetryPolicy;
}

export function resolveSourceOptions(options: SourceOptions): ResolvedSourceOptions {
  return {
    signal: options.signal,
    onBytes: options.onBytes,
    onNotice: options.onNotice,
    stallTimeoutMs: options.stallTimeoutMs ?? 60_000,
    connections: options.connections,
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
    partSizeBytes: options.partSizeBytes ?? 8 * MIB,
    maxBufferedBytes: options.maxBufferedBytes ?? 64 * MIB,
    maxRedirects: options.maxRedirects ?? 10,
    retryPolicy: {
      ...DEFAULT_RETRY_POLICY,
      retries: options.retries ?? DEFAULT_RETRY_POLICY.retries,
      minBackoffMs: options.minBackoffMs ?? DEFAULT_RETRY_POLICY.minBackoffMs,
      maxBackoffMs: options.maxBackoffMs ?? DEFAULT_RETRY_POLICY.maxBackoffMs,
    },
  };
}

/** "1,048,576": byte positions in notices and errors, readable at a glance. */
export function formatByteCount(bytes: number): string {
  return bytes.toLocaleString('en-US');
}
