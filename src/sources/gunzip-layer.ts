import { once } from 'node:events';
import { createGunzip } from 'node:zlib';
import { GZIP_ID1, GZIP_ID2, MemberEnds, startsGzipHeader } from './gzip-tail.js';
import { concatBytes } from '../shared/concat-bytes.js';
import { NpiRatesError } from '../shared/errors.js';
import { formatByteCount, MIB } from './source-options.js';

/** zlib reports damage with these codes; anything else comes from the transport below. */
function zlibFailure(error: unknown): { code: string; message: string } | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' || !code.startsWith('Z_')) return undefined;
  return { code, message: (error as Error).message };
}

/**
 * `compressedOffset`: where the data ends (truncation), or where zlib's current input begins
 * (damage), and `readingUpTo` where that input ends: zlib tells the consumed bytes only after
 * each step, so a damaged block is known to lie between the two.
 */
function badGzip(
  sourceName: string,
  layerName: string,
  failure: { code: string; message: string },
  compressedOffset: number,
  readingUpTo: number,
  decompressedBytes: number,
  cause: unknown,
): NpiRatesError {
  const isTruncated = failure.code === 'Z_BUF_ERROR';
  const what = isTruncated
    ? `${layerName} data ends early (${failure.message})`
    : `corrupt ${layerName} data (${failure.message})`;
  const at = isTruncated || readingUpTo <= compressedOffset
    ? `at compressed byte ${formatByteCount(compressedOffset)}`
    : `between compressed bytes ${formatByteCount(compressedOffset)} and ${formatByteCount(readingUpTo)}`;
  const where = `${at}, after ${formatByteCount(decompressedBytes)} decompressed bytes`;
  return new NpiRatesError('NPI_RATES_BAD_GZIP', `${sourceName}: ${what} ${where}; the file is incomplete`, {
    hint: isTruncated
      ? 'the download was cut short or the published file is truncated: download it again; if it ends at the same byte, report it to the publisher'
      : 'the file is damaged: download it again; if the error repeats at the same byte, report it to the publisher',
    cause,
    details: { compressedOffset, decompressedBytes, zlibCode: failure.code },
  });
}

export interface GunzipOptions {
  /** Layer name in messages: "gzip", or "inner gzip (layer 2)". */
  layerName?: string;
  /** Told when bytes after the gzip data were ignored. */
  onWarning?(message: string): void;
}

/**
 * Compressed bytes held back until the source ends, then written in pieces that stop wherever a
 * member can end (see gzip-tail.ts): junk after the gzip data is ignored with a warning when it
 * is no longer than this, and fails the file as damage when longer.
 */
const TAIL_BYTES = 64 * 1024;
/**
 * How far ahead a gzip header looks for the next one, to tell a long member (see writeBeforeTail).
 * Each long member costs a split write (about 0.1 ms), so at most 4 per MiB of compressed bytes.
 */
const LOOKAHEAD_BYTES = 256 * 1024;
/** Member starts before the tail kept as bases for the tail's ISIZE checks. */
const MAX_MEMBER_STARTS = 4;

/** Whether a gzip header starts in the first `limit` bytes of `chunks` (not one cut between two). */
function hasHeaderWithin(chunks: readonly Uint8Array[], limit: number): boolean {
  let left = limit;
  for (const chunk of chunks) {
    if (left <= 0) return false;
    const end = Math.min(chunk.length, left);
    for (let at = chunk.indexOf(GZIP_ID1); at >= 0 && at < end; at = chunk.indexOf(GZIP_ID1, at + 1)) {
      if (startsGzipHeader(chunk, at)) return true;
    }
    left -= end;
  }
  return false;
}

/** zlib's complaints about a member header: what follows a complete member is not gzip. */
const HEADER_FAILURES = new Set(['incorrect header check', 'unknown compression method', 'unknown header flags set', 'header crc mismatch']);

/** Junk after the data where no member end could be proven (too long, or after many members). */
function junkTooLong(
  sourceName: string,
  layerName: string,
  failure: { code: string; message: string },
  readingAt: { from: number; to: number },
  decompressedBytes: number,
  cause: unknown,
): NpiRatesError {
  return new NpiRatesError(
    'NPI_RATES_BAD_GZIP',
    `${sourceName}: the ${layerName} data is followed by bytes that are not gzip (${failure.message}); the data ends somewhere ` +
      `between compressed bytes ${formatByteCount(readingAt.from)} and ${formatByteCount(readingAt.to)}, where zlib was reading. ` +
      `They could not be told apart from the data (more than ${TAIL_BYTES / 1024} KiB of them, or after a member that began ` +
      `earlier), so what zlib decoded last before them is missing; ${formatByteCount(decompressedBytes)} decompressed bytes were read`,
    {
      hint: 'the file has something appended to it: `gzip -dc FILE > FILE.json` keeps all of the data (it reports "trailing garbage ignored"); use FILE.json instead',
      cause,
      details: { compressedOffset: readingAt.from, decompressedBytes, zlibCode: failure.code },
    },
  );
}

/** A one-slot wake-up: `wait()` resolves at the next `wake()`. */
class Signal {
  private resolve: (() => void) | undefined;
  wait(): Promise<void> {
    return new Promise<void>((resolve) => (this.resolve = resolve));
  }
  wake(): void {
    const resolve = this.resolve;
    this.resolve = undefined;
    resolve?.();
  }
}

/**
 * Gunzips a byte stream (several gzip members in a row are read as one). Inflation runs in
 * zlib's thread pool: a pump task writes the compressed chunks in with backpressure, and the
 * consumer pulls 1 MiB output chunks, so while the main thread scans one chunk zlib is already
 * inflating the next few (the readable side holds at most ~4 MiB). The last 64 KiB of compressed
 * bytes are written in pieces that stop wherever a member can end (gzip-tail.ts), so junk after
 * the gzip data is ignored with a warning and costs no rows. Errors from the transport below pass
 * through unchanged; zlib's own become NPI_RATES_BAD_GZIP with the compressed offset and the
 * number of bytes produced so far.
 */
export async function* gunzipLayer(
  compressed: AsyncIterable<Uint8Array>,
  sourceName: string,
  options: GunzipOptions = {},
): AsyncGenerator<Uint8Array> {
  const layerName = options.layerName ?? 'gzip';
  // zlib passes stream options through to its Transform; @types/node lists only zlib's own.
  const streamOptions = { readableHighWaterMark: 4 * MIB };
  const gunzip = createGunzip({ chunkSize: MIB, ...streamOptions });
  const stopPump = new AbortController();
  const closed = once(gunzip, 'close').then(() => undefined, () => undefined);
  const chunkTaken = new Signal();
  let compressedBytesFed = 0;
  let decompressedBytes = 0;
  /**
   * The tail once it is being written: where members ended in it, which piece zlib is taking,
   * and the output before that piece, to tell junk after the data from damage.
   */
  let tail: { offset: number; bytes: Uint8Array; memberEnds: MemberEnds; writingFrom: number; producedBefore: number } | undefined;

  /**
   * Resolves when zlib has taken `bytes` in full (or the stream was destroyed). `onTaken` runs in
   * zlib's own callback: all output of these bytes is pushed by then, and none of later ones.
   */
  const write = (bytes: Uint8Array, onTaken?: () => void): Promise<void> => {
    compressedBytesFed += bytes.length;
    const taken = new Promise<void>((resolve) =>
      gunzip.write(bytes, () => {
        onTaken?.();
        resolve();
      }),
    );
    return Promise.race([taken, closed]);
  };
  /** Resolves when the consumer holds every byte zlib has produced. */
  const untilTaken = async (): Promise<void> => {
    while (gunzip.readableLength > 0 && !stopPump.signal.aborted) await chunkTaken.wait();
  };

  const writeTail = async (lead: Uint8Array, rest: Uint8Array[]): Promise<void> => {
    const bytes = concatBytes([lead, ...rest]);
    const memberEnds = new MemberEnds(bytes, memberStarts);
    const state = { offset: compressedBytesFed - lead.length, bytes, memberEnds, writingFrom: lead.length, producedBefore: 0 };
    tail = state;
    for (let fed = lead.length; !stopPump.signal.aborted; ) {
      // Exact: reading takes bytes out of zlib's buffer and counts them in one step.
      const produced = decompressedBytes + gunzip.readableLength;
      // Before writing past a member's end, hand everything to the consumer: if the next bytes
      // fail, zlib's buffer is dropped with the error, but then it holds nothing.
      if (memberEnds.check(fed, produced)) await untilTaken();
      if (fed === bytes.length || gunzip.destroyed || gunzip.readableEnded) return;
      const end = memberEnds.nextPossibleEnd(fed, produced);
      state.writingFrom = fed;
      state.producedBefore = produced;
      await write(bytes.subarray(fed, end));
      fed = end;
    }
  };

  /**
   * Junk after the data: the failing piece starts where a member provably ended, nothing was
   * produced after that end, and the bytes there do not start another member (so zlib failed on
   * their first two bytes, before producing anything).
   */
  const junkAfterData = (): { offset: number; bytes: number } | undefined => {
    const end = tail?.memberEnds.latest;
    if (!tail || !end || end.at !== tail.writingFrom || end.decompressedBytes !== tail.producedBefore) return undefined;
    const following = tail.bytes.subarray(end.at, end.at + 2);
    if (following[0] === GZIP_ID1 && (following.length < 2 || following[1] === GZIP_ID2)) return undefined;
    return { offset: tail.offset + end.at, bytes: tail.bytes.length - end.at };
  };

  /**
   * zlib takes zero bytes after a member for padding and stops reading there, so anything after
   * the zeros is skipped without a word. In the tail that is told here: bytes after a proven
   * member end that are not all zeros.
   */
  const skippedAfterPadding = (): { offset: number; bytes: number } | undefined => {
    const end = tail?.memberEnds.latest;
    if (!tail || !end || end.decompressedBytes !== decompressedBytes || end.at >= tail.bytes.length) return undefined;
    const after = tail.bytes.subarray(end.at);
    if (after[0] !== 0 || after.every((byte) => byte === 0)) return undefined;
    return { offset: tail.offset + end.at, bytes: after.length };
  };

  /** Outputs at the latest gzip headers before the tail that begin a long member (see below). */
  const memberStarts: number[] = [];
  let lead: Uint8Array = new Uint8Array(0);
  let lastWrite: Promise<void> = Promise.resolve();

  /**
   * Writes bytes before the tail. The member that junk follows may have begun long before the
   * tail, and its ISIZE counts from where it began; so at a gzip header (1f 8b 08) that begins a
   * long member (no other header in the next 256 KiB), the write is split, and zlib's callback notes
   * the output there, which is exact at that moment. Only long members need it (a short last one
   * lies in the tail, which finds its header itself), and splitting costs a round trip through
   * the main thread: a file made of 64 KiB members would otherwise run 75% slower. A false
   * 1f 8b 08 in deflate data (about one every 16 MB) only adds a base that fits no member.
   * `following`: the held bytes after `part`, to look ahead in.
   */
  const writeBeforeTail = (part: Uint8Array, following: readonly Uint8Array[]): void => {
    let from = 0;
    for (let at = part.indexOf(GZIP_ID1); at >= 0; at = part.indexOf(GZIP_ID1, at + 1)) {
      if (at === 0 && lead.length === 0) continue; // the first member's own header
      if (!startsGzipHeader(part, at) || hasHeaderWithin([part.subarray(at + 1), ...following], LOOKAHEAD_BYTES)) continue;
      lastWrite = write(part.subarray(from, at), () => {
        memberStarts.push(decompressedBytes + gunzip.readableLength);
        if (memberStarts.length > MAX_MEMBER_STARTS) memberStarts.shift();
      });
      from = at;
    }
    if (from < part.length) lastWrite = write(part.subarray(from));
    lead = part.length >= 4 ? part.subarray(part.length - 4) : concatBytes([lead, part]).subarray(-4);
  };

  /** Compressed bytes received but not yet written to zlib (the tail and the look-ahead). */
  const held: Uint8Array[] = [];
  let heldBytes = 0;

  /**
   * The transport failed for good: the bytes received so far are still inflated and handed to the
   * consumer before the error, so the rows in them are found (up to 320 KiB of compressed bytes
   * are held back at any time, and zlib's buffer holds up to 4 MiB of output).
   */
  const handOnReceived = async (): Promise<void> => {
    await lastWrite;
    for (const part of held.splice(0)) {
      if (stopPump.signal.aborted || gunzip.destroyed) return;
      await write(part);
    }
    heldBytes = 0;
    await untilTaken();
  };

  const pump = async (): Promise<void> => {
    try {
      /** Writes held bytes until only `keep` are left (a little more, to keep a header whole). */
      const writeHeldDownTo = async (keep: number): Promise<void> => {
        while (heldBytes > keep) {
          const first = held[0];
          if (first.length <= 2 && first[0] === GZIP_ID1 && held.length > 1) {
            // The start of a header that a chunk's end cut off: joined to the rest of it.
            held.splice(0, 2, concatBytes([first, held[1]]));
            continue;
          }
          let excess = Math.min(first.length, heldBytes - keep);
          // A header cut by the end of this write would go unseen: its first bytes wait, for
          // the next chunk or for the tail.
          const cut = first[excess - 1] === GZIP_ID1 ? 1 : first[excess - 2] === GZIP_ID1 && first[excess - 1] === GZIP_ID2 ? 2 : 0;
          if (excess <= cut) return;
          excess -= cut;
          const part = excess === first.length ? held.shift()! : first.subarray(0, excess);
          if (part !== first) held[0] = first.subarray(excess);
          heldBytes -= part.length;
          writeBeforeTail(part, held);
          if (gunzip.writableNeedDrain) await once(gunzip, 'drain', { signal: stopPump.signal });
        }
      };
      for await (const chunk of compressed) {
        if (stopPump.signal.aborted) return;
        held.push(chunk);
        heldBytes += chunk.length;
        await writeHeldDownTo(TAIL_BYTES + LOOKAHEAD_BYTES);
      }
      await writeHeldDownTo(TAIL_BYTES);
      await lastWrite;
      await writeTail(lead, held);
      gunzip.end();
    } catch (error) {
      if (stopPump.signal.aborted) return;
      await handOnReceived();
      if (!stopPump.signal.aborted) gunzip.destroy(error as Error);
    }
  };
  // Not awaited on exit: an upstream read may be waiting on the network; the abort ends it.
  void pump();

  // Read by hand rather than with async iteration: the byte count must grow in the same step
  // that takes bytes out of zlib's buffer, or the tail would see bytes in neither place.
  const outputReady = new Signal();
  let isEnded = false;
  let streamError: unknown;
  gunzip.on('readable', () => outputReady.wake());
  gunzip.on('end', () => {
    isEnded = true;
    outputReady.wake();
  });
  gunzip.on('error', (error) => {
    streamError = error;
    outputReady.wake();
  });
  try {
    for (;;) {
      // Read on after a failure too: what zlib produced before it is still in its buffer.
      const chunk = gunzip.read() as Buffer | null;
      if (chunk !== null) {
        decompressedBytes += chunk.length;
        chunkTaken.wake();
        yield chunk;
      } else if (streamError !== undefined) throw streamError;
      else if (isEnded) {
        const skipped = skippedAfterPadding();
        if (skipped) {
          options.onWarning?.(
            `${sourceName}: ignored ${formatByteCount(skipped.bytes)} bytes after the end of the ${layerName} data ` +
              `(from compressed byte ${formatByteCount(skipped.offset)}): zero padding, then bytes that are not read; everything before them was read`,
          );
        }
        return;
      }
      else await outputReady.wait();
    }
  } catch (error) {
    const failure = zlibFailure(error);
    if (!failure) throw error;
    const junk = junkAfterData();
    if (junk) {
      options.onWarning?.(
        `${sourceName}: ignored ${formatByteCount(junk.bytes)} ${junk.bytes === 1 ? 'byte' : 'bytes'} after the end of the ` +
          `${layerName} data (from compressed byte ${formatByteCount(junk.offset)}): not gzip (${failure.message}); everything before them was read`,
      );
      return;
    }
    if (HEADER_FAILURES.has(failure.message)) {
      throw junkTooLong(sourceName, layerName, failure, { from: gunzip.bytesWritten, to: compressedBytesFed }, decompressedBytes, error);
    }
    // Truncation shows only at the end of the input; damage shows where zlib was reading.
    const offset = failure.code === 'Z_BUF_ERROR' ? compressedBytesFed : gunzip.bytesWritten;
    throw badGzip(sourceName, layerName, failure, offset, compressedBytesFed, decompressedBytes, error);
  } finally {
    stopPump.abort();
    chunkTaken.wake();
    gunzip.destroy();
  }
}
