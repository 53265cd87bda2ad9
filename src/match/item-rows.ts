import type { RowBlock } from '../search/rate-row.js';
import { ADMITTED, MADE_BY_EARLIER_ITEM, type RowDeduper } from './row-dedupe.js';
import { lineEnding, type ItemParts, type RowPiecesSink } from './row-lines.js';

const INITIAL_BYTES = 256 * 1024;
const INITIAL_ROWS = 1024;
/** Buffers an unusually large item grew beyond these are let go once the item is done. */
const KEPT_BYTES = 4 * 1024 * 1024;
const KEPT_ROWS = 64 * 1024;
/** Pieces shorter than this are copied in a loop: cheaper than a call into the runtime. */
const SHORT_PIECE_BYTES = 24;

/**
 * The rows of one in_network item while it is read. Each row's own pieces (provider, price
 * terms, network, price extras) are copied as bytes into one reused buffer as soon as its rate
 * matched, so no parsed rate or string outlives the rate; the item's own pieces (source, codes,
 * names), which may come after the rates in the file, go around them in finish(). Keeping the
 * rows out of the JavaScript heap also keeps the young generation small (it grew to 34 MB when
 * the rows of large items were strings).
 */
export class ItemRows implements RowPiecesSink {
  private bytes = Buffer.allocUnsafe(INITIAL_BYTES);
  private used = 0;
  /** Per row: where it starts, where its provider piece ends, where its network piece ends. */
  private marks = new Int32Array(INITIAL_ROWS * 3);
  private hashes = new Float64Array(INITIAL_ROWS);
  private count = 0;
  /** finish(): which rows are kept, and how often each occurs in the item. */
  private kept = new Int32Array(INITIAL_ROWS);
  private occurrences = new Int32Array(INITIAL_ROWS);

  constructor(private readonly deduper: RowDeduper) {}

  add(provider: Uint8Array, terms: string, network: Uint8Array, extras: string, piecesHash: number): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    const length = provider.length + 3 * (terms.length + extras.length) + network.length;
    if (this.used + length > this.bytes.length) this.growBytes(this.used + length);
    if (this.count === this.hashes.length) this.growRows();
    const bytes = this.bytes;
    const mark = this.count * 3;
    let at = this.used;
    this.marks[mark] = at;
    at = put(bytes, at, provider);
    this.marks[mark + 1] = at;
    at += bytes.write(terms, at);
    at = put(bytes, at, network);
    this.marks[mark + 2] = at;
    this.used = extras.length === 0 ? at : at + bytes.write(extras, at);
    this.hashes[this.count++] = piecesHash;
  }

  get isEmpty(): boolean {
    return this.count === 0;
  }

  /** Forgets the rows added so far (an item the search does not want after all). */
  clear(): void {
    this.count = 0;
    this.used = 0;
  }

  /**
   * The item's rows as journal lines, each row once with its occurrences, leaving out rows an
   * earlier item of the file produced; undefined when none is left. Clears the rows.
   */
  finish(item: ItemParts): RowBlock | undefined {
    const count = this.count;
    if (count === 0) return undefined;
    const kept = this.kept;
    const occurrences = this.occurrences;
    const deduper = this.deduper;
    deduper.startItem(item.hash, count);
    let keptCount = 0;
    for (let row = 0; row < count; row++) {
      const verdict = deduper.admit(this.hashes[row]);
      if (verdict === ADMITTED) {
        kept[keptCount] = row;
        occurrences[keptCount++] = 1;
      } else if (verdict !== MADE_BY_EARLIER_ITEM) {
        occurrences[verdict]++;
      }
    }
    deduper.endItem();
    const block = keptCount === 0 ? undefined : { bytes: this.compose(item, keptCount), count: keptCount };
    this.clear();
    if (this.bytes.length > KEPT_BYTES) this.bytes = Buffer.allocUnsafe(INITIAL_BYTES);
    if (this.hashes.length > KEPT_ROWS) this.allocateRows(INITIAL_ROWS);
    return block;
  }

  private compose(item: ItemParts, keptCount: number): Buffer {
    const { source, codes, names } = item;
    const marks = this.marks;
    const endOf = (row: number) => (row + 1 < this.count ? marks[(row + 1) * 3] : this.used);
    const endings: Uint8Array[] = [];
    let total = 0;
    for (let k = 0; k < keptCount; k++) {
      const row = this.kept[k];
      endings.push(lineEnding(this.occurrences[k]));
      total += source.length + codes.length + names.length + endOf(row) - marks[row * 3] + endings[k].length;
    }
    const out = Buffer.allocUnsafe(total);
    const bytes = this.bytes;
    let at = 0;
    for (let k = 0; k < keptCount; k++) {
      const row = this.kept[k];
      const mark = row * 3;
      at = put(out, at, source);
      at = putRange(out, at, bytes, marks[mark], marks[mark + 1]);
      at = put(out, at, codes);
      at = putRange(out, at, bytes, marks[mark + 1], marks[mark + 2]);
      at = put(out, at, names);
      at = putRange(out, at, bytes, marks[mark + 2], endOf(row));
      at = put(out, at, endings[k]);
    }
    return out;
  }

  private growBytes(needed: number): void {
    let size = this.bytes.length * 2;
    while (size < needed) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.bytes.copy(bigger, 0, 0, this.used);
    this.bytes = bigger;
  }

  private growRows(): void {
    const { marks, hashes } = this;
    this.allocateRows(hashes.length * 2);
    this.marks.set(marks);
    this.hashes.set(hashes);
  }

  private allocateRows(rows: number): void {
    this.marks = new Int32Array(rows * 3);
    this.hashes = new Float64Array(rows);
    this.kept = new Int32Array(rows);
    this.occurrences = new Int32Array(rows);
  }
}

function put(target: Uint8Array, at: number, piece: Uint8Array): number {
  const length = piece.length;
  if (length < SHORT_PIECE_BYTES) {
    for (let i = 0; i < length; i++) target[at + i] = piece[i];
  } else {
    target.set(piece, at);
  }
  return at + length;
}

function putRange(target: Uint8Array, at: number, source: Buffer, start: number, end: number): number {
  if (end - start < SHORT_PIECE_BYTES) {
    for (let i = start; i < end; i++) target[at++] = source[i];
    return at;
  }
  return at + source.copy(target, at, start, end);
}
