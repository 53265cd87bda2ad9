import { fileURLToPath } from 'node:url';
import { NpiRatesError, usageError } from '../shared/errors.js';
import { redactUrl } from '../shared/redact-url.js';
import type { ByteStream } from './byte-source.js';
import { openFileStream } from './file-source.js';
import { resolveSourceOptions, type SourceOptions } from './source-options.js';

export type { SourceOptions } from './source-options.js';
export { DEFAULT_USER_AGENT } from './source-options.js';
export { signedUrlExpiry } from './signed-url.js';

/** `sftp`, `ftp`, `http`...: the scheme of a `scheme://` location, lower case; undefined for a path. */
export function locationScheme(location: string): string | undefined {
  const match = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location);
  return match ? match[1].toLowerCase() : undefined;
}

/**
 * Refuses, before anything is read, a location no source could ever open whatever the network
 * does: a file:// URL naming another host, an s3:// location without an object key, a scheme
 * no source reads (sftp). Exit code 2, like any other mistake in the command.
 */
export function checkLocationForm(location: string): void {
  const scheme = locationScheme(location);
  if (scheme === undefined || scheme === 'http' || scheme === 'https') return;
  const shown = redactUrl(location);
  if (scheme === 'file') {
    try {
      fileURLToPath(location);
    } catch (error) {
      throw usageError('NPI_RATES_BAD_FILE_URL', `${shown} is not a file on this machine (${(error as Error).message})`, 'write it as file:///absolute/path or give the path itself');
    }
    return;
  }
  if (scheme === 's3') {
    if (!/^s3:\/\/[^/]+\/.+$/i.test(location)) {
      throw usageError('NPI_RATES_BAD_S3_URI', `${shown} names no object: an S3 file to search is s3://bucket/key`, 'give the whole key (npi-rates cannot list a bucket)');
    }
    return;
  }
  throw usageError(
    'NPI_RATES_UNSUPPORTED_SCHEME',
    `unsupported scheme ${scheme}: ${shown}`,
    'only http(s)://, s3://, file:// and local paths can be read; download the file another way and give its path',
  );
}

function checkCount(name: string, value: number | undefined, minimum: number): void {
  if (value === undefined || (Number.isInteger(value) && value >= minimum)) return;
  throw usageError('NPI_RATES_BAD_OPTION', `${name} must be a whole number >= ${minimum}, got ${value}`);
}

/**
 * Opens any supported location as raw bytes (still compressed, as stored): `http(s)://` with
 * resume and optional parallel ranges, `s3://bucket/key`, `file://...` or a local path. Resolves
 * once the first response (or the file's stat) is in, so size and HTTP errors such as 403/404
 * surface here; transport failures later in the file surface from `chunks`.
 */
export async function openByteStream(location: string, options: SourceOptions = {}): Promise<ByteStream> {
  checkCount('connections', options.connections, 1);
  checkCount('retries', options.retries, 0);
  checkCount('partSizeBytes', options.partSizeBytes, 1);
  const resolved = resolveSourceOptions(options);
  const scheme = locationScheme(location);

  if (scheme === undefined) return openFileStream(location, resolved);
  // The HTTP and S3 readers load on first use: a search of local files never pays for undici.
  if (scheme === 'http' || scheme === 'https') {
    const { openHttpStream } = await import('./http-source.js');
    return openHttpStream(location, resolved);
  }
  if (scheme === 's3') {
    const { openS3Stream } = await import('./s3-source.js');
    return openS3Stream(location, { ...resolved, connections: 1 });
  }
  if (scheme === 'file') {
    let filePath: string;
    try {
      filePath = fileURLToPath(location);
    } catch (error) {
      throw new NpiRatesError('NPI_RATES_BAD_FILE_URL', `not a usable file URL: ${location}`, {
        hint: 'write it as file:///absolute/path or give the path itself',
        cause: error,
      });
    }
    return openFileStream(filePath, resolved);
  }
  throw new NpiRatesError(
    'NPI_RATES_UNSUPPORTED_SCHEME',
    `unsupported scheme ${scheme}: ${redactUrl(location)}`,
    {
      hint: 'only http(s)://, s3://, file:// and local paths can be read; download the file another way and give its path',
      details: { scheme },
    },
  );
}
