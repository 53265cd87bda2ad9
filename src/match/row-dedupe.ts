import type { RowBlock } from '../search/rate-row.js';
import { lineEnding } from './row-lines.js';

const INITIAL_SLOTS = 1 << 12;
/**
 * The table doubles when more than this share of its slots is taken, so it costs 11 to 21 bytes
 * per row (at 1/2 it cost 16 to 32: 64 MB for the 2.6 million rows of a 2 GiB file). Linear
 * probing stays short at this load: about 8 probes for a new row, 2.5 for a repeated one.
 */
const MAX_LOAD = 0.75;

/**
 * Remembers which rows a file has already produced: each line is reduced to a 52-bit hash
 * (row-hash.ts) kept in an open-addressing Float64Array (a JS Set of strings would cost ~100
 * bytes per row, and a search matching 5% of a big file's groups yields millions of rows).
 * With a million rows known, a new row is taken for one of them with odds of about 1 in 4*10^9.
 */
export class RowDeduper {
  private slots = new Float64Array(INITIAL_SLOTS);
  private count = 0;

  /** True the first time a row's 52-bit hash is seen. */
  admit(rowHash: number): boolean {
    // 0 marks an empty slot, so hashes are offset by one.
    const hash = rowHash + 1;
    if (!this.insert(this.slots, hash)) return false;
    this.count++;
    if (this.count > this.slots.length * MAX_LOAD) this.grow();
    return true;
  }

  private insert(slots: Float64Array, hash: number): boolean {
    const mask = slots.length - 1;
    let index = hash % slots.length & mask;
    while (slots[index] !== 0) {
      if (slots[index] === hash) return false;
      index = (index + 1) & mask;
    }
    slots[index] = hash;
    return true;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    for (const hash of old) if (hash !== 0) this.insert(this.slots, hash);
  }
}

/** A row an item holds, found again within the item. */
interface KeptRow {
  /** Index of its line ending among the item's pieces. */
  endingAt: number;
  occurrences: number;
}

/**
 * The rows of one in_network item, as the text of their lines. A row the item repeats is kept
 * once and counted in its `occurrences`; a row an earlier item of the file produced was written
 * then and is dropped.
 */
export class ItemRows {
  /** Three per row: its head, its tail and its line ending (which holds the occurrences). */
  private readonly pieces: string[] = [];
  private count = 0;
  /** Each kept row by its text, built only once the item repeats a row (rare). */
  private keptRows: Map<string, KeptRow> | undefined;

  constructor(private readonly deduper: RowDeduper) {}

  /** A row whose line is head + tail + lineEnding; `rowHash` is the line's 52-bit hash. */
  add(head: string, tail: string, rowHash: number): void {
    if (this.deduper.admit(rowHash)) {
      this.keptRows?.set(head + tail, { endingAt: this.pieces.length + 2, occurrences: 1 });
      this.pieces.push(head, tail, lineEnding(1));
      this.count++;
      return;
    }
    this.keptRows ??= this.indexKeptRows();
    const kept = this.keptRows.get(head + tail);
    if (kept === undefined) return;
    kept.occurrences++;
    this.pieces[kept.endingAt] = lineEnding(kept.occurrences);
  }

  finish(): RowBlock {
    return { text: this.pieces.join(''), count: this.count };
  }

  private indexKeptRows(): Map<string, KeptRow> {
    const kept = new Map<string, KeptRow>();
    for (let at = 0; at < this.pieces.length; at += 3) kept.set(this.pieces[at] + this.pieces[at + 1], { endingAt: at + 2, occurrences: 1 });
    return kept;
  }
}
