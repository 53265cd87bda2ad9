import type { RowBlock } from '../search/rate-row.js';
import { ADMITTED, MADE_BY_EARLIER_ITEM, type RowDeduper } from './row-dedupe.js';
import { lineEnding, type ItemParts, type RowPiecesSink } from './row-lines.js';
import type { SpillFile } from './spill-file.js';

const INITIAL_BYTES = 256 * 1024;
const INITIAL_ROWS = 1024;
/** Buffers an unusually large item grew beyond these are let go once the item is done. */
const KEPT_BYTES = 4 * 1024 * 1024;
const KEPT_ROWS = 64 * 1024;
/** Pieces shorter than this are copied in a loop: cheaper than a call into the runtime. */
const SHORT_PIECE_BYTES = 24;

/**
 * Rows of an item beyond this many bytes move to a temporary file, so an item of millions of
 * matching rates (a catch-all CSTM-ALL item with a hospital in every rate) needs no more memory
 * than a usual one.
 */
const SEGMENT_BYTES = 8 * 1024 * 1024;
/**
 * Finished rows are handed over in blocks of about this size. A block per run (16 MB of lines)
 * left the freed blocks in malloc's free lists: peak RSS 231 MB against 192-196 MB for an item
 * of 1.5 million matching rates.
 */
const BLOCK_BYTES = 1024 * 1024;

/** A run of rows as stored: their pieces' bytes, and per row its marks and hash. */
interface RowRun {
  bytes: Buffer;
  used: number;
  marks: Int32Array;
  hashes: Float64Array;
  count: number;
}

/** A run being turned into blocks: how many of its rows are kept, and the next one to compose. */
interface Composing {
  run: RowRun;
  keptCount: number;
  next: number;
}

/** An item of several runs, de-duplicated whole before it is composed (see judgeRuns). */
interface JudgedRuns {
  /** Per run: its kept rows, and how often each occurs in the run. */
  runs: Array<{ kept: Int32Array<ArrayBuffer>; occurrences: Int32Array<ArrayBuffer> }>;
  /** Copies in later runs of a row an earlier run keeps (or an earlier item made), by hash. */
  laterCopies: Map<number, number>;
}

/** Where a run moved to the temporary file lies: bytes, then marks, then hashes. */
interface SpilledRun {
  position: number;
  used: number;
  count: number;
}

/**
 * The rows of one in_network item while it is read. Each row's own pieces (provider, price
 * terms, network, price extras) are copied as bytes into one reused buffer as soon as its rate
 * matched, so no parsed rate or string outlives the rate; the item's own pieces (source, codes,
 * names), which may come after the rates in the file, go around them when the item is finished.
 * Keeping the rows out of the JavaScript heap also keeps the young generation small (it grew to
 * 34 MB when the rows of large items were strings). Past SEGMENT_BYTES the rows so far move to
 * a temporary file (when one can be made), and finishing the item reads them back a run at a time.
 */
export class ItemRows implements RowPiecesSink {
  private bytes = Buffer.allocUnsafe(INITIAL_BYTES);
  private used = 0;
  /** Per row: where it starts, where its provider piece ends, where its network piece ends. */
  private marks = new Int32Array(INITIAL_ROWS * 3);
  private hashes = new Float64Array(INITIAL_ROWS);
  private count = 0;
  /** finishNext(): which rows of a run are kept, and how often each occurs in it. */
  private kept = new Int32Array(INITIAL_ROWS);
  private occurrences = new Int32Array(INITIAL_ROWS);
  private readonly spilled: SpilledRun[] = [];
  private spillEnd = 0;
  /** While finishing: the next spilled run to read back. */
  private nextSpilled = 0;
  /** A spilled run read back (kept between runs of one item, let go after it). */
  private readBack: RowRun | undefined;
  /** While finishing: the run whose kept rows are being composed into blocks. */
  private composing: Composing | undefined;
  /** While finishing an item of several runs: each run's kept rows and their counts (judgeRuns). */
  private judged: JudgedRuns | undefined;

  /** `spill`: where runs of rows go past SEGMENT_BYTES; without it they all stay in memory. */
  constructor(
    private readonly deduper: RowDeduper,
    private readonly spill?: SpillFile,
  ) {}

  add(provider: Uint8Array, terms: string, network: Uint8Array, extras: string, piecesHash: number): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    const length = provider.length + 3 * (terms.length + extras.length) + network.length;
    if (this.used + length > SEGMENT_BYTES && this.count > 0) this.spillRows();
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
    return this.count === 0 && this.spilled.length === 0;
  }

  /** Forgets the rows added so far (an item the search does not want after all). */
  clear(): void {
    this.count = 0;
    this.used = 0;
    this.spilled.length = 0;
    this.spillEnd = 0;
    this.nextSpilled = 0;
    this.readBack = undefined;
    this.composing = undefined;
    this.judged = undefined;
  }

  /**
   * The finished item's rows as journal lines, in blocks of about BLOCK_BYTES (the runs moved to
   * the temporary file in order, then the rows in memory): each row once with its occurrences in
   * the whole item, leaving out rows an earlier item of the file produced. Call until it answers
   * undefined; then the rows are cleared.
   */
  finishNext(item: ItemParts): RowBlock | undefined {
    for (;;) {
      const composing = this.composing;
      if (composing !== undefined) {
        const block = this.compose(item, composing);
        if (composing.next === composing.keptCount) this.composing = undefined;
        return block;
      }
      // An item in several runs is judged whole first, so a row's count covers every run.
      if (this.judged === undefined && this.spilled.length > 0) this.judged = this.judgeRuns(item);
      const runIndex = this.nextSpilled;
      let run: RowRun;
      if (this.nextSpilled < this.spilled.length) {
        run = this.readSpilled(this.spilled[this.nextSpilled++]);
      } else if (this.count > 0) {
        run = { bytes: this.bytes, used: this.used, marks: this.marks, hashes: this.hashes, count: this.count };
        this.count = 0;
        this.used = 0;
        this.nextSpilled++;
      } else {
        this.clear();
        if (this.bytes.length > KEPT_BYTES) this.bytes = Buffer.allocUnsafe(INITIAL_BYTES);
        if (this.hashes.length > KEPT_ROWS) this.allocateRows(INITIAL_ROWS);
        return undefined;
      }
      let keptCount: number;
      const verdict = this.judged?.runs[runIndex];
      if (verdict === undefined) {
        keptCount = this.dedupe(item, run.hashes, run.count);
      } else {
        const { kept, occurrences } = verdict;
        keptCount = kept.length;
        const laterCopies = this.judged!.laterCopies;
        if (laterCopies.size > 0) for (let k = 0; k < keptCount; k++) occurrences[k] += laterCopies.get(run.hashes[kept[k]]) ?? 0;
        this.kept = kept;
        this.occurrences = occurrences;
      }
      if (keptCount > 0) this.composing = { run, keptCount, next: 0 };
    }
  }

  /**
   * Which rows of each run are kept and how often each occurs in it: every run is de-duplicated
   * in order (reading only the hashes of the spilled ones), and the copies of rows that an
   * earlier run keeps are counted by hash, to be added when that run is composed. Costs 8 bytes
   * per kept row, and 16 or so per row that several runs share.
   */
  private judgeRuns(item: ItemParts): JudgedRuns {
    const laterCopies = new Map<number, number>();
    const runs: JudgedRuns['runs'] = [];
    const runCount = this.spilled.length + (this.count > 0 ? 1 : 0);
    for (let r = 0; r < runCount; r++) {
      const hashes = r < this.spilled.length ? this.readSpilledHashes(this.spilled[r]) : this.hashes.subarray(0, this.count);
      const keptCount = this.dedupe(item, hashes, hashes.length, laterCopies);
      runs.push({ kept: this.kept.slice(0, keptCount), occurrences: this.occurrences.slice(0, keptCount) });
    }
    return { runs, laterCopies };
  }

  /**
   * Marks which rows are kept (in `kept`) and how often each occurs; returns how many. With
   * `laterCopies`, each row an earlier run or item made is counted there by its hash.
   */
  private dedupe(item: ItemParts, hashes: Float64Array, count: number, laterCopies?: Map<number, number>): number {
    if (count > this.kept.length) {
      this.kept = new Int32Array(count);
      this.occurrences = new Int32Array(count);
    }
    const kept = this.kept;
    const occurrences = this.occurrences;
    const deduper = this.deduper;
    deduper.startItem(item.hash, count);
    let keptCount = 0;
    for (let row = 0; row < count; row++) {
      const verdict = deduper.admit(hashes[row]);
      if (verdict === ADMITTED) {
        kept[keptCount] = row;
        occurrences[keptCount++] = 1;
      } else if (verdict !== MADE_BY_EARLIER_ITEM) {
        occurrences[verdict]++;
      } else if (laterCopies !== undefined) {
        laterCopies.set(hashes[row], (laterCopies.get(hashes[row]) ?? 0) + 1);
      }
    }
    deduper.endItem();
    return keptCount;
  }

  /** The next lines of the run being composed, up to about BLOCK_BYTES (at least one row). */
  private compose(item: ItemParts, composing: Composing): RowBlock {
    const { source, codes, names } = item;
    const { bytes, marks, count, used } = composing.run;
    const endOf = (row: number) => (row + 1 < count ? marks[(row + 1) * 3] : used);
    const first = composing.next;
    const endings: Uint8Array[] = [];
    let total = 0;
    let k = first;
    while (k < composing.keptCount && (k === first || total < BLOCK_BYTES)) {
      const row = this.kept[k];
      const ending = lineEnding(this.occurrences[k]);
      endings.push(ending);
      total += source.length + codes.length + names.length + endOf(row) - marks[row * 3] + ending.length;
      k++;
    }
    composing.next = k;
    const out = Buffer.allocUnsafe(total);
    let at = 0;
    for (let i = first; i < k; i++) {
      const row = this.kept[i];
      const mark = row * 3;
      at = put(out, at, source);
      at = putRange(out, at, bytes, marks[mark], marks[mark + 1]);
      at = put(out, at, codes);
      at = putRange(out, at, bytes, marks[mark + 1], marks[mark + 2]);
      at = put(out, at, names);
      at = putRange(out, at, bytes, marks[mark + 2], endOf(row));
      at = put(out, at, endings[i - first]);
    }
    return { bytes: out, count: k - first };
  }

  /** Moves the rows in memory to the temporary file as one run (kept in memory if it cannot). */
  private spillRows(): void {
    const spill = this.spill;
    if (spill === undefined) return;
    const { used, count } = this;
    const position = this.spillEnd;
    const marksAt = position + used;
    const hashesAt = marksAt + count * 12;
    const isWritten =
      spill.write(this.bytes.subarray(0, used), position) &&
      spill.write(this.marks.subarray(0, count * 3), marksAt) &&
      spill.write(this.hashes.subarray(0, count), hashesAt);
    if (!isWritten) return;
    this.spilled.push({ position, used, count });
    this.spillEnd = hashesAt + count * 8;
    this.count = 0;
    this.used = 0;
  }

  /** Only the hashes of a spilled run. */
  private readSpilledHashes(spilled: SpilledRun): Float64Array {
    const hashes = new Float64Array(spilled.count);
    this.spill!.read(hashes, spilled.position + spilled.used + spilled.count * 12);
    return hashes;
  }

  private readSpilled(spilled: SpilledRun): RowRun {
    const { position, used, count } = spilled;
    let run = this.readBack;
    if (run === undefined || run.bytes.length < used || run.hashes.length < count) {
      run = { bytes: Buffer.allocUnsafe(used), used, marks: new Int32Array(count * 3), hashes: new Float64Array(count), count };
      this.readBack = run;
    }
    run.used = used;
    run.count = count;
    this.spill!.read(run.bytes.subarray(0, used), position);
    this.spill!.read(run.marks.subarray(0, count * 3), position + used);
    this.spill!.read(run.hashes.subarray(0, count), position + used + count * 12);
    return run;
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
