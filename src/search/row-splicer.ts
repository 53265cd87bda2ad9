import { forEachLine, RECORD_PREFIX, rowSource } from './journal.js';

/** What the final output adds to each row of one file. */
export interface FileFacts {
  /** `,"reporting_entity_name":…,"last_updated_on":…` as far as the file gave them: spliced in after source_file. */
  facts: string;
  /** Rows of a file that failed part-way, or was interrupted, end in `"from_incomplete_file":true`. */
  isIncomplete: boolean;
}

/** The output's bytes around each row: before the first row, before each later one, after each. */
export interface RowFraming {
  beforeFirst: string;
  beforeNext: string;
  after: string;
}

/** The rows of one source as the splicer copies them. */
interface SourceSplice {
  /** `{"source_file":<source>,`: a row line that starts with these bytes is of this source. */
  prefix: Buffer;
  /** undefined: the source is not in the output (an earlier run's file that did not finish). */
  facts: Buffer | undefined;
  isIncomplete: boolean;
}

const RECORD_PREFIX_BYTES = Buffer.from(RECORD_PREFIX);
const INCOMPLETE_END = Buffer.from(',"from_incomplete_file":true}');
const CLOSING_BRACE = 0x7d;

/**
 * Turns journal blocks into output bytes: each row line gets its file's facts spliced in after
 * source_file, the incomplete flag where its file needs one, and the output's framing. Rows are
 * copied as bytes, never decoded: the source of a row is recognised by comparing its first bytes
 * with those of the previous row's source.
 */
export class RowSplicer {
  rows = 0;
  private readonly output = new OutputBlocks();
  private readonly beforeFirst: Buffer;
  private readonly beforeNext: Buffer;
  private readonly after: Buffer;
  private readonly splices = new Map<string, SourceSplice>();
  private current: SourceSplice | undefined;

  constructor(
    private readonly factsOf: (source: string) => FileFacts | undefined,
    framing: RowFraming,
  ) {
    this.beforeFirst = Buffer.from(framing.beforeFirst);
    this.beforeNext = Buffer.from(framing.beforeNext);
    this.after = Buffer.from(framing.after);
  }

  /** The output bytes of the rows of one block of whole journal lines. */
  splice(block: Buffer): Buffer[] {
    forEachLine(block, (start, end) => this.spliceLine(block, start, end));
    return this.output.take();
  }

  private spliceLine(block: Buffer, start: number, end: number): void {
    // A torn last line (a crash mid-write) does not end the row's object.
    if (block[end - 1] !== CLOSING_BRACE || startsWith(block, start, end, RECORD_PREFIX_BYTES)) return;
    const splice = this.spliceOf(block, start, end);
    if (splice?.facts === undefined) return;
    const lead = this.rows === 0 ? this.beforeFirst : this.beforeNext;
    const sourceEnd = start + splice.prefix.length - 1;
    const output = this.output;
    output.reserve(lead.length + (end - start) + splice.facts.length + INCOMPLETE_END.length + this.after.length);
    output.put(lead);
    output.copy(block, start, sourceEnd);
    output.put(splice.facts);
    if (splice.isIncomplete) {
      output.copy(block, sourceEnd, end - 1);
      output.put(INCOMPLETE_END);
    } else {
      output.copy(block, sourceEnd, end);
    }
    output.put(this.after);
    this.rows++;
  }

  /** The source of a row line: the previous row's when the line starts alike, else read from the line. */
  private spliceOf(block: Buffer, start: number, end: number): SourceSplice | undefined {
    if (this.current !== undefined && startsWith(block, start, end, this.current.prefix)) return this.current;
    const source = rowSource(block.toString('utf8', start, end));
    if (source === undefined) return undefined;
    let splice = this.splices.get(source);
    if (splice === undefined) {
      const facts = this.factsOf(source);
      splice = {
        prefix: Buffer.from(`{"source_file":${JSON.stringify(source)},`),
        facts: facts === undefined ? undefined : Buffer.from(facts.facts),
        isIncomplete: facts?.isIncomplete ?? false,
      };
      this.splices.set(source, splice);
    }
    this.current = splice;
    return splice;
  }
}

/** A loop rather than Buffer.compare: the prefix is short, and a native call per row cost more. */
function startsWith(block: Buffer, start: number, end: number, prefix: Buffer): boolean {
  if (end - start < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (block[start + i] !== prefix[i]) return false;
  return true;
}

const OUTPUT_BLOCK_BYTES = 1024 * 1024;
/** Shorter pieces are copied byte by byte: cheaper than a call into native code. */
const SHORT_PIECE_BYTES = 16;

/**
 * Output bytes collected in large blocks, so that rows cost no allocation and the output gets
 * few large writes. A block handed out is never written again.
 */
class OutputBlocks {
  private block = Buffer.allocUnsafe(OUTPUT_BLOCK_BYTES);
  private used = 0;
  private handedOut = 0;
  private readonly filled: Buffer[] = [];

  /** Makes room for `bytes` more in the current block. */
  reserve(bytes: number): void {
    if (this.used + bytes <= this.block.length) return;
    this.seal();
    this.block = Buffer.allocUnsafe(Math.max(OUTPUT_BLOCK_BYTES, bytes));
    this.used = 0;
    this.handedOut = 0;
  }

  put(piece: Buffer): void {
    if (piece.length > SHORT_PIECE_BYTES) {
      this.copy(piece, 0, piece.length);
      return;
    }
    for (let i = 0; i < piece.length; i++) this.block[this.used++] = piece[i];
  }

  copy(source: Buffer, start: number, end: number): void {
    this.used += source.copy(this.block, this.used, start, end);
  }

  /** Everything collected since the last call. */
  take(): Buffer[] {
    this.seal();
    return this.filled.splice(0);
  }

  private seal(): void {
    if (this.used > this.handedOut) this.filled.push(this.block.subarray(this.handedOut, this.used));
    this.handedOut = this.used;
  }
}
