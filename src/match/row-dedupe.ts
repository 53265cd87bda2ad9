import type { RowLine } from '../search/rate-row.js';
import { OCCURS_ONCE } from './row-lines.js';

const INITIAL_SLOTS = 1 << 12;

/**
 * Remembers which rows a file has already produced, in 8 bytes per row: each line is reduced to
 * a 52-bit hash (row-hash.ts) kept in an open-addressing Float64Array (a JS Set of strings
 * would cost ~100 bytes per row, and a search matching 5% of a big file's groups yields
 * millions of rows).
 * Two different rows share a 52-bit hash with odds of about 1 in 10^9 at a million rows.
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
    if (this.count * 2 > this.slots.length) this.grow();
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

/**
 * The rows of one in_network item. A line the item repeats is kept once and counted in its
 * `occurrences`; a line an earlier item of the file produced was written then and is dropped.
 */
export class ItemRows {
  private readonly lines: RowLine[] = [];
  /** How often each kept line was found, built only once the item repeats a line (rare). */
  private counts: Map<RowLine, number> | undefined;

  constructor(private readonly deduper: RowDeduper) {}

  /** `rowHash` is the line's 52-bit hash: equal lines, equal hashes. */
  add(line: RowLine, rowHash: number): void {
    if (this.deduper.admit(rowHash)) {
      this.lines.push(line);
      this.counts?.set(line, 1);
      return;
    }
    this.counts ??= new Map(this.lines.map((kept) => [kept, 1]));
    const count = this.counts.get(line);
    if (count !== undefined) this.counts.set(line, count + 1);
  }

  /** The kept lines, each ending in its occurrence count. */
  finish(): RowLine[] {
    const counts = this.counts;
    if (counts === undefined) return this.lines;
    return this.lines.map((line) => {
      const count = counts.get(line) ?? 1;
      return count === 1 ? line : `${line.slice(0, -OCCURS_ONCE.length)},"occurrences":${count}}`;
    });
  }
}
