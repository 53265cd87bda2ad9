/**
 * A 52-bit hash of a sequence of texts: two 32-bit FNV-1a variants, fed two UTF-16 code units
 * at a time and each text's length after it (which keeps ["ab", "c"] apart from ["a", "bc"]),
 * then finalised so that all of the input reaches the 20 bits kept of the high one.
 */
export function hashTexts(texts: readonly string[]): number {
  let low = 0x811c9dc5;
  let high = 0x01000193;
  for (const text of texts) {
    const pairsEnd = text.length - 1;
    let i = 0;
    for (; i < pairsEnd; i += 2) {
      const pair = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
      low = Math.imul(low ^ pair, 0x01000193);
      high = Math.imul(high ^ pair, 0x5bd1e995) ^ (high >>> 15);
    }
    // The last code unit when the length is odd, with the length above it.
    const last = (i === pairsEnd ? text.charCodeAt(i) : 0) ^ Math.imul(text.length, 0x10001);
    low = Math.imul(low ^ last, 0x01000193);
    high = Math.imul(high ^ last, 0x5bd1e995) ^ (high >>> 15);
  }
  return joinHalves(finalMix(high), finalMix(low));
}

/**
 * A 52-bit hash of two 52-bit hashes, in order. A row line is hashed as the combination of its
 * parts' hashes (item, provider, price), each computed once, so no long line is hashed per row;
 * identical lines have identical parts, so they still get one hash.
 */
export function combineHashes(first: number, second: number): number {
  let low = mixWord(0x9747b28c, first >>> 0);
  low = mixWord(low, highHalf(first));
  low = mixWord(low, second >>> 0);
  low = mixWord(low, highHalf(second));
  let high = mixWord(0x3c6ef372, highHalf(second));
  high = mixWord(high, second >>> 0);
  high = mixWord(high, highHalf(first));
  high = mixWord(high, first >>> 0);
  return joinHalves(finalMix(high), finalMix(low));
}

/** One MurmurHash3 step: a 32-bit word into the running 32-bit state. */
function mixWord(state: number, word: number): number {
  let mixed = Math.imul(word, 0xcc9e2d51);
  mixed = (mixed << 15) | (mixed >>> 17);
  mixed = Math.imul(mixed, 0x1b873593);
  const next = state ^ mixed;
  return (Math.imul((next << 13) | (next >>> 19), 5) + 0xe6546b64) | 0;
}

/** MurmurHash3's finaliser: every input bit reaches every output bit. */
function finalMix(state: number): number {
  let h = state ^ (state >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function highHalf(hash: number): number {
  return Math.floor(hash / 0x100000000);
}

/** 20 bits of `high` and 32 of `low`: a 52-bit integer, exact in a double. */
function joinHalves(high: number, low: number): number {
  return (high >>> 0) % 0x100000 * 0x100000000 + (low >>> 0);
}
