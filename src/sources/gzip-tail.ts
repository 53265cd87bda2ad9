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

/** Deflate's largest expansion: a 258-byte match from 2 bits of input. */
const MAX_BYTES_PER_INPUT_BYTE = 1032;
/** zlib may hold up to a few input bytes of a code it has not finished decoding. */
const HELD_INPUT_BYTES = 8;
const UINT32_RANGE = 2 ** 32;

function uint32At(bytes: Uint8Array, end: number): number {
  return (bytes[end - 4] | (bytes[end - 3] << 8) | (bytes[end - 2] << 16) | (bytes[end - 1] << 24)) >>> 0;
}

/**
 * Tracks the tail's bytes: where a member provably ended (ISIZE equal to its output), and where
 * the next one can end. A member's ISIZE counts from the end of the member before it, which is
 * known only for members that ended in the tail; the whole output is tried too, which covers a
 * file of one member and any member that ended earlier at a place not proven.
 */
export class MemberEnds {
  /** Output at the latest proven member end: where the next member's ISIZE counts from. */
  private memberStart = 0;
  /** The latest proven end: its position in `bytes` and the output up to it. */
  latest: { at: number; decompressedBytes: number } | undefined;

  constructor(private readonly bytes: Uint8Array) {}

  /**
   * Records a member end at `at` when the ISIZE before it matches the output so far. Empty
   * members are not looked for: four zero bytes (a header's unset time stamp) would match.
   */
  check(at: number, decompressedBytes: number): boolean {
    const isEnd =
      decompressedBytes > this.memberStart &&
      (isizeMatches(this.bytes, at, decompressedBytes - this.memberStart) || isizeMatches(this.bytes, at, decompressedBytes));
    if (isEnd) {
      this.latest = { at, decompressedBytes };
      this.memberStart = decompressedBytes;
    }
    return isEnd;
  }

  /**
   * The first position after `from` (or the end of the bytes) where a member could end: the 4
   * bytes before it, read as ISIZE, are a length the bytes since `from` can reach. In random
   * bytes such positions are about 3 KB apart.
   */
  nextPossibleEnd(from: number, decompressedBytes: number): number {
    const sinceMemberStart = (decompressedBytes - this.memberStart) % UINT32_RANGE;
    const sinceStart = decompressedBytes % UINT32_RANGE;
    for (let end = Math.max(from + 1, 4); end < this.bytes.length; end++) {
      const isize = uint32At(this.bytes, end);
      const reach = MAX_BYTES_PER_INPUT_BYTE * (end - from + HELD_INPUT_BYTES);
      const growthInMember = (isize - sinceMemberStart + UINT32_RANGE) % UINT32_RANGE;
      const growthInAll = (isize - sinceStart + UINT32_RANGE) % UINT32_RANGE;
      if (growthInMember <= reach || growthInAll <= reach) return end;
    }
    return this.bytes.length;
  }
}

/** True when the 4 bytes before `end` are the ISIZE of a member that produced `decompressedBytes`. */
function isizeMatches(bytes: Uint8Array, end: number, decompressedBytes: number): boolean {
  return end >= 4 && uint32At(bytes, end) === decompressedBytes % UINT32_RANGE;
}
