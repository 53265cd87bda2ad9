/**
 * Where a gzip member can end inside the last compressed bytes of a stream, so the gunzip layer
 * can write them to zlib in pieces that stop at each such place.
 *
 * Why: Node's gunzip reads bytes after a member as the start of another member. When they are
 * not gzip (a newline, an HTML error page appended by a proxy), it fails, and the output of that
 * last zlib step is dropped with the error: rows at the very end of the file are lost. If the
 * member's end is the end of a write, that step produced all its output before the failing one,
 * and nothing is lost. zlib does not say where a member ends before it gets there, but the end
 * is always right after the 4-byte ISIZE field, the member's decompressed length modulo 2^32,
 * which is known to within what the bytes since the last write can inflate to.
 */

/** The first two bytes of every gzip member (RFC 1952); the third, 8, names deflate. */
export const GZIP_ID1 = 0x1f;
export const GZIP_ID2 = 0x8b;
const DEFLATE_METHOD = 0x08;

/** Deflate's largest expansion: a 258-byte match from 2 bits of input. */
const MAX_BYTES_PER_INPUT_BYTE = 1032;
/** zlib may hold up to a few input bytes of a code it has not finished decoding. */
const HELD_INPUT_BYTES = 8;
const UINT32_RANGE = 2 ** 32;

function uint32At(bytes: Uint8Array, end: number): number {
  return (bytes[end - 4] | (bytes[end - 3] << 8) | (bytes[end - 2] << 16) | (bytes[end - 1] << 24)) >>> 0;
}

/** Output counts a member's ISIZE may count from, at most this many kept. */
const MAX_BASES = 4;

/**
 * Tracks the tail's bytes: where a member provably ended (ISIZE equal to its output), and where
 * the next one can end. A member's ISIZE counts from where the member began, which is known when
 * the member before it ended provably in the tail, or, for a member that begins in the tail, at
 * its header (1f 8b 08, where the writes also stop). The whole output is tried too, which covers
 * a file of one member.
 */
export class MemberEnds {
  /** Output counts where a member may have begun, latest last (0: the start of the data). */
  private readonly bases: number[] = [0];
  /** The latest proven end: its position in `bytes` and the output up to it. */
  latest: { at: number; decompressedBytes: number } | undefined;

  /** `memberStarts`: outputs where members may have begun before the tail (at gzip headers). */
  constructor(
    private readonly bytes: Uint8Array,
    memberStarts: readonly number[] = [],
  ) {
    for (const start of memberStarts) this.addBase(start);
  }

  /**
   * Called at each write boundary with the exact output so far. Records a member end at `at`
   * when the ISIZE before it matches the output of a member begun at a known place (empty
   * members are not looked for: four zero bytes, a header's unset time stamp, would match),
   * and a possible member start when a gzip header begins at `at`.
   */
  check(at: number, decompressedBytes: number): boolean {
    const isEnd = this.bases.some((base) => decompressedBytes > base && isizeMatches(this.bytes, at, decompressedBytes - base));
    if (isEnd) {
      this.latest = { at, decompressedBytes };
      this.addBase(decompressedBytes);
    } else if (startsGzipHeader(this.bytes, at)) this.addBase(decompressedBytes);
    return isEnd;
  }

  /**
   * The first position after `from` (or the end of the bytes) where a member could end: the 4
   * bytes before it, read as ISIZE, are a length the bytes since `from` can reach, or a gzip
   * header starts there. In random bytes such positions are about 3 KB apart.
   */
  nextPossibleEnd(from: number, decompressedBytes: number): number {
    const counts = this.bases.map((base) => (decompressedBytes - base) % UINT32_RANGE);
    for (let end = Math.max(from + 1, 4); end < this.bytes.length; end++) {
      if (startsGzipHeader(this.bytes, end)) return end;
      const isize = uint32At(this.bytes, end);
      const reach = MAX_BYTES_PER_INPUT_BYTE * (end - from + HELD_INPUT_BYTES);
      for (const count of counts) if ((isize - count + UINT32_RANGE) % UINT32_RANGE <= reach) return end;
    }
    return this.bytes.length;
  }

  private addBase(decompressedBytes: number): void {
    if (this.bases.includes(decompressedBytes)) return;
    this.bases.push(decompressedBytes);
    // The start of the data stays: it is the base of a file made of one member.
    if (this.bases.length > MAX_BASES) this.bases.splice(1, 1);
  }
}

export function startsGzipHeader(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === GZIP_ID1 && bytes[at + 1] === GZIP_ID2 && bytes[at + 2] === DEFLATE_METHOD;
}

/** True when the 4 bytes before `end` are the ISIZE of a member that produced `decompressedBytes`. */
function isizeMatches(bytes: Uint8Array, end: number, decompressedBytes: number): boolean {
  return end >= 4 && uint32At(bytes, end) === decompressedBytes % UINT32_RANGE;
}
