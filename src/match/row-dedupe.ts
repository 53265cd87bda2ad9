import { HashSet64 } from './hash-set-64.js';
import { SpillFile } from './spill-file.js';

/** What RowDeduper.admit says of a row: new, or made before by an earlier item (else: the index of its first copy in this item). */
export const ADMITTED = -1;
export const MADE_BY_EARLIER_ITEM = -2;

/** Hashes are stored in chunks of this many (1 MiB), so storing never copies what is stored. */
const CHUNK_HASHES = 1 << 17;
const CHUNK_BYTES = CHUNK_HASHES * 8;
/** Full chunks kept in memory (4 MiB, half a million rows); older ones go to a temporary file. */
const CHUNKS_IN_MEMORY = 4;
const INITIAL_ITEM_ROWS = 1024;
/**
 * An item hash stored in more runs than this (one billing code written as thousands of entries
 * with the same fields) is looked up in a hash set instead: checking every earlier run for each
 * row made such a file take time in the square of its entries (160,000 entries: 105 s).
 */
const MAX_RUNS_PER_ITEM = 16;
/** All such sets together stay below this; beyond it, later entries of a new such code are not merged with earlier ones. */
const REPEATED_SETS_BYTES = 32 * 1024 * 1024;
/** The current item's tables an unusually large item grew beyond this many rows are let go after it. */
const KEPT_ITEM_ROWS = 64 * 1024;

/**
 * Remembers which rows a file has already produced, so each is written once with a count.
 *
 * Two rows can only be equal when their items' own pieces are (source, codes, names: the item's
 * hash), so the rows of the file are kept apart by item: an item whose pieces no earlier item
 * had needs no look-up beyond itself, and one that repeats an earlier item's pieces (a billing
 * code split over several in_network entries) is checked against those items' rows alone.
 * Each row is reduced to a 52-bit hash of its own pieces (row-hash.ts) and, once its item is
 * finished, stored sorted with the item's other rows: 8 bytes a row, in 1 MiB chunks that are
 * never copied. A hash table of all rows cost 11 to 21 bytes a row plus a copy of it whenever it
 * doubled (up to 48 MB at once for the 2.6 million rows of a 2 GiB file that matches 5% of its
 * groups). Within one item of 100,000 rows, two different rows share a hash with odds of about
 * 1 in 10^6 (n^2 / 2^53).
 *
 * So that memory does not grow with the rows found, full chunks beyond the newest few are moved
 * to a temporary file, and read back only for an item that repeats an earlier item's pieces.
 * If no temporary file can be made, they stay in memory.
 */
export class RowDeduper {
  /** undefined: the chunk is in the temporary file, at its index times CHUNK_BYTES. */
  private readonly chunks: Array<Float64Array | undefined> = [];
  private chunksInMemory = 0;
  private readonly spill: SpillFile;
  /** The current item's earlier rows that were in the temporary file, read back at startItem. */
  private readBack: Map<number, Float64Array> | undefined;
  private lastChunkUsed = CHUNK_HASHES;
  /** Per item hash: chunk, start and count of the sorted row hashes of each earlier item with it. */
  private readonly segmentsByItem = new Map<number, number[]>();
  private itemHash = 0;
  private earlierSegments: number[] | undefined;
  /** Per item hash stored in many runs: all its rows so far (see MAX_RUNS_PER_ITEM). */
  private readonly repeatedSets = new Map<number, HashSet64>();
  private repeatedSetsBytes = 0;
  /** The current item's set, when its item hash has one. */
  private repeatedSet: HashSet64 | undefined;
  /** Item hashes whose entries are no longer checked against each other (the sets' budget ran out). */
  private readonly unmergedItems = new Set<number>();

  /** The current item's rows: an open-addressing table from hash + 1 to the row's index among the admitted. */
  private tableKeys = new Float64Array(INITIAL_ITEM_ROWS * 2);
  private tableValues = new Int32Array(INITIAL_ITEM_ROWS * 2);
  private tableMask = 0;
  private admittedHashes = new Float64Array(INITIAL_ITEM_ROWS);
  private admittedSlots = new Int32Array(INITIAL_ITEM_ROWS);
  private admittedCount = 0;

  constructor(tempRoot?: string) {
    this.spill = new SpillFile('row-hashes.bin', tempRoot);
  }

  /** Starts the rows of an item whose own pieces hash to `itemHash`; at most `rows` will be offered. */
  startItem(itemHash: number, rows: number): void {
    this.itemHash = itemHash;
    this.earlierSegments = this.segmentsByItem.get(itemHash);
    this.repeatedSet = this.repeatedSets.get(itemHash);
    if (this.earlierSegments !== undefined && this.earlierSegments.length > MAX_RUNS_PER_ITEM * 3) this.moveRunsToSet();
    this.readBack = this.earlierSegments === undefined ? undefined : this.readBackChunks(this.earlierSegments);
    let capacity = 16;
    while (capacity < rows * 2) capacity *= 2;
    if (capacity > this.tableKeys.length) {
      this.tableKeys = new Float64Array(capacity);
      this.tableValues = new Int32Array(capacity);
    }
    this.tableMask = capacity - 1;
    if (rows > this.admittedHashes.length) {
      this.admittedHashes = new Float64Array(rows);
      this.admittedSlots = new Int32Array(rows);
    }
    this.admittedCount = 0;
  }

  /**
   * One row of the current item, by the hash of its own pieces: ADMITTED the first time the file
   * has it, MADE_BY_EARLIER_ITEM when an earlier item produced it, else the index (in order of
   * admission) of the row this item admitted first.
   */
  admit(rowHash: number): number {
    const key = rowHash + 1; // 0 marks an empty slot
    const keys = this.tableKeys;
    const mask = this.tableMask;
    let slot = (key >>> 0) & mask;
    while (keys[slot] !== 0) {
      if (keys[slot] === key) return this.tableValues[slot];
      slot = (slot + 1) & mask;
    }
    if (this.earlierSegments !== undefined && this.isInSegments(this.earlierSegments, rowHash)) return MADE_BY_EARLIER_ITEM;
    if (this.repeatedSet?.has(rowHash) === true) return MADE_BY_EARLIER_ITEM;
    keys[slot] = key;
    this.tableValues[slot] = this.admittedCount;
    this.admittedSlots[this.admittedCount] = slot;
    this.admittedHashes[this.admittedCount++] = rowHash;
    return ADMITTED;
  }

  /** The item is complete: its rows are stored for later items with the same pieces. */
  endItem(): void {
    const count = this.admittedCount;
    for (let i = 0; i < count; i++) this.tableKeys[this.admittedSlots[i]] = 0;
    if (count > 0) this.storeItem(count);
    if (this.admittedHashes.length > KEPT_ITEM_ROWS) {
      this.tableKeys = new Float64Array(INITIAL_ITEM_ROWS * 2);
      this.tableValues = new Int32Array(INITIAL_ITEM_ROWS * 2);
      this.admittedHashes = new Float64Array(INITIAL_ITEM_ROWS);
      this.admittedSlots = new Int32Array(INITIAL_ITEM_ROWS);
    }
    this.admittedCount = 0;
    this.readBack = undefined;
  }

  /** Stores the current item's `count` admitted row hashes, sorted, for later items with its pieces. */
  private storeItem(count: number): void {
    if (this.unmergedItems.has(this.itemHash)) return;
    const set = this.repeatedSet;
    if (set !== undefined) {
      // Past the budget the sets stop growing: later rows are still written, but a repeat of one of them is not merged.
      if (this.repeatedSetsBytes > REPEATED_SETS_BYTES) return;
      const before = set.byteLength;
      for (let i = 0; i < count; i++) set.add(this.admittedHashes[i]);
      this.repeatedSetsBytes += set.byteLength - before;
      return;
    }
    let segments = this.earlierSegments;
    if (segments === undefined) {
      segments = [];
      this.segmentsByItem.set(this.itemHash, segments);
    }
    for (let from = 0; from < count; ) {
      if (this.lastChunkUsed === CHUNK_HASHES) this.startChunk();
      const chunk = this.chunks[this.chunks.length - 1]!;
      const start = this.lastChunkUsed;
      const length = Math.min(count - from, CHUNK_HASHES - start);
      chunk.set(this.admittedHashes.subarray(from, from + length), start);
      chunk.subarray(start, start + length).sort();
      segments.push(this.chunks.length - 1, start, length);
      this.lastChunkUsed += length;
      from += length;
    }
  }

  /** Closes and deletes the temporary file. */
  close(): void {
    this.spill.close();
  }

  private startChunk(): void {
    if (this.chunksInMemory === CHUNKS_IN_MEMORY) this.spillOldestChunk();
    this.chunks.push(new Float64Array(CHUNK_HASHES));
    this.chunksInMemory++;
    this.lastChunkUsed = 0;
  }

  private spillOldestChunk(): void {
    const index = this.chunks.findIndex((chunk) => chunk !== undefined);
    // Without a temporary file the rows are still told apart, with more memory.
    if (!this.spill.write(this.chunks[index]!, index * CHUNK_BYTES)) return;
    this.chunks[index] = undefined;
    this.chunksInMemory--;
  }

  /** The current item hash's runs become one hash set, or, past the sets' budget, are no longer kept. */
  private moveRunsToSet(): void {
    const segments = this.earlierSegments!;
    let rows = 0;
    for (let s = 2; s < segments.length; s += 3) rows += segments[s];
    // A set holds its rows at most half full, in 8 bytes a slot, and doubles as it grows.
    if (this.repeatedSetsBytes + rows * 32 > REPEATED_SETS_BYTES) {
      this.unmergedItems.add(this.itemHash);
    } else {
      const readBack = this.readBackChunks(segments);
      const set = new HashSet64();
      for (let s = 0; s < segments.length; s += 3) {
        const chunk = this.chunks[segments[s]] ?? readBack!.get(segments[s])!;
        for (let i = segments[s + 1], end = i + segments[s + 2]; i < end; i++) set.add(chunk[i]);
      }
      this.repeatedSets.set(this.itemHash, set);
      this.repeatedSetsBytes += set.byteLength;
      this.repeatedSet = set;
    }
    // The runs' space in the chunks is not reused: it is at most MAX_RUNS_PER_ITEM runs per item hash.
    this.segmentsByItem.delete(this.itemHash);
    this.earlierSegments = undefined;
  }

  private readBackChunks(segments: number[]): Map<number, Float64Array> | undefined {
    let read: Map<number, Float64Array> | undefined;
    for (let s = 0; s < segments.length; s += 3) {
      const index = segments[s];
      if (this.chunks[index] !== undefined || read?.has(index)) continue;
      const chunk = new Float64Array(CHUNK_HASHES);
      this.spill.read(chunk, index * CHUNK_BYTES);
      (read ??= new Map()).set(index, chunk);
    }
    return read;
  }

  private isInSegments(segments: number[], hash: number): boolean {
    for (let s = 0; s < segments.length; s += 3) {
      const chunk = this.chunks[segments[s]] ?? this.readBack!.get(segments[s])!;
      let low = segments[s + 1];
      let high = low + segments[s + 2] - 1;
      while (low <= high) {
        const middle = (low + high) >>> 1;
        const value = chunk[middle];
        if (value === hash) return true;
        if (value < hash) low = middle + 1;
        else high = middle - 1;
      }
    }
    return false;
  }
}
