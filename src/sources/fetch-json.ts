import { NpiRatesError } from '../shared/errors.js';
import { redactUrl } from '../shared/redact-url.js';
import { decodeLayers } from './decode-layers.js';
import { openByteStream } from './open-source.js';
import { formatByteCount, MIB, type SourceOptions } from './source-options.js';

export interface SmallJsonOptions extends SourceOptions {
  /** Largest decoded document accepted, in bytes. @default 64 MiB */
  maxBytes?: number;
}

/** Characters of an HTTP error body shown in the message: enough for `<Code>InvalidKey</Code>`. */
const BODY_CHARS_SHOWN = 80;

/** An HTTP status error with the start of the error body added: the body usually names the reason. */
function withBody(error: NpiRatesError): NpiRatesError {
  const { statusLine, signedUrlNote, bodySnippet } = error.details as {
    statusLine?: string;
    signedUrlNote?: string;
    bodySnippet?: string;
  };
  if (!statusLine || !bodySnippet) return error;
  const body = bodySnippet.length > BODY_CHARS_SHOWN ? `${bodySnippet.slice(0, BODY_CHARS_SHOWN)}...` : bodySnippet;
  const message = `${statusLine}, body ${body}${signedUrlNote ? `: ${signedUrlNote}` : ''}`;
  return new NpiRatesError(error.code, message, {
    hint: error.hint,
    exitCode: error.exitCode,
    details: error.details,
    cause: error,
  });
}

/**
 * A small JSON document (a remote provider-reference file, a table of contents...) read from any
 * location openByteStream supports, decoded like an MRF (gzip, zip, BOM), and parsed. One
 * connection; the same retries, and up to two reads from the start where a read cannot resume.
 * Every failure is an NpiRatesError; HTTP ones carry
 * `details.status` and show the start of the error body.
 */
export async function fetchSmallJson(location: string, options: SmallJsonOptions = {}): Promise<unknown> {
  for (let restarts = 0; ; restarts++) {
    try {
      return await fetchSmallJsonOnce(location, options);
    } catch (error) {
      // A dropped connection normally resumes where it broke off; where the server cannot resume
      // (it ignores Range, or the document changed meanwhile), a small document is simply read
      // again from its first byte.
      const code = (error as { code?: unknown }).code;
      if (restarts >= MAX_RESTARTS || typeof code !== 'string' || !RESTARTABLE_CODES.has(code)) throw error;
    }
  }
}

/** Failures a whole new read of a small document can cure, and how many such reads are tried. */
const RESTARTABLE_CODES = new Set(['NPI_RATES_RANGE_IGNORED', 'NPI_RATES_SOURCE_CHANGED', 'NPI_RATES_BAD_CONTENT_RANGE']);
const MAX_RESTARTS = 2;

async function fetchSmallJsonOnce(location: string, options: SmallJsonOptions): Promise<unknown> {
  const maxBytes = options.maxBytes ?? 64 * MIB;
  const sourceName = redactUrl(location);
  const pieces: Buffer[] = [];
  let length = 0;
  try {
    const source = await openByteStream(location, { ...options, connections: 1 });
    for await (const chunk of decodeLayers(source.chunks, sourceName)) {
      length += chunk.length;
      if (length > maxBytes) {
        throw new NpiRatesError(
          'NPI_RATES_TOO_LARGE',
          `${sourceName}: larger than ${formatByteCount(maxBytes)} bytes, too large for a reference document`,
          { hint: 'check that the link points at the small document expected here', details: { maxBytes } },
        );
      }
      pieces.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    }
  } catch (error) {
    if (error instanceof NpiRatesError) throw withBody(error);
    throw error;
  }

  try {
    return JSON.parse(Buffer.concat(pieces, length).toString('utf8')) as unknown;
  } catch (error) {
    throw new NpiRatesError('NPI_RATES_BAD_JSON', `${sourceName}: not valid JSON (${(error as Error).message})`, {
      hint: 'the document is damaged or truncated; download it again, or report it to the publisher',
      cause: error,
    });
  }
}
