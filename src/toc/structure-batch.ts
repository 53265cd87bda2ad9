import { NpiRatesError } from '../shared/errors.js';

const COMMA = 0x2c; // ,
const COLON = 0x3a; // :
const LEFT_SQUARE_BRACKET = 0x5b; // [
const RIGHT_SQUARE_BRACKET = 0x5d; // ]
const LEFT_CURLY_BRACKET = 0x7b; // {
const RIGHT_CURLY_BRACKET = 0x7d; // }
const INITIAL_BYTES = 1 << 20;

interface BatchEntry {
  start: number;
  end: number;
  /** Absolute offset of the first captured byte, for error messages; -1 when nothing was captured. */
  offset: number;
  path: string;
}

/**
 * Rebuilds index structures from only the members that matter (captured raw by the walker) and
 * parses many at once: one JSON.parse over `[s1,s2,...]` is about 1.5x faster than one per
 * structure, and members left out (reporting_plans when no filter needs them) are never parsed.
 */
export class StructureBatch {
  private bytes = new Uint8Array(INITIAL_BYTES);
  private length = 1;
  private readonly entries: BatchEntry[] = [];
  private open?: BatchEntry;
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder('utf-8');

  constructor(private readonly sourceName: string) {
    this.bytes[0] = LEFT_SQUARE_BRACKET;
  }

  /** Bytes held, to decide when to parse. */
  get size(): number {
    return this.length;
  }

  beginObject(path: string): void {
    this.open = { start: this.length, end: this.length, offset: -1, path };
    this.push(LEFT_CURLY_BRACKET);
  }

  addMember(key: string, value: Uint8Array, offset: number): void {
    const open = this.open;
    if (!open) throw new Error('assertion failed: a structure member arrived outside a structure');
    if (open.offset < 0) open.offset = offset;
    if (this.bytes[this.length - 1] !== LEFT_CURLY_BRACKET) this.push(COMMA);
    this.append(this.encoder.encode(JSON.stringify(key)));
    this.push(COLON);
    this.append(value);
  }

  endObject(): void {
    const open = this.open;
    if (!open) throw new Error('assertion failed: a structure ended that never began');
    this.push(RIGHT_CURLY_BRACKET);
    open.end = this.length;
    this.entries.push(open);
    this.open = undefined;
    this.push(COMMA);
  }

  /** A structure that is not an object is kept whole; the collector reports it. */
  addWhole(value: Uint8Array, path: string, offset: number): void {
    const entry = { start: this.length, end: 0, offset, path };
    this.append(value);
    entry.end = this.length;
    this.entries.push(entry);
    this.push(COMMA);
  }

  /** Parses the finished structures (none may be open) and empties the batch. */
  takeParsed(): unknown[] {
    if (this.entries.length === 0) return [];
    this.bytes[this.length - 1] = RIGHT_SQUARE_BRACKET;
    let parsed: unknown[];
    try {
      parsed = JSON.parse(this.decoder.decode(this.bytes.subarray(0, this.length))) as unknown[];
    } catch {
      // Parse one by one so the error names the bad structure.
      for (const entry of this.entries) this.parseEntry(entry);
      throw new Error('assertion failed: a batch of structures failed to parse but each one parsed alone');
    }
    this.length = 1;
    this.entries.length = 0;
    return parsed;
  }

  private parseEntry(entry: BatchEntry): unknown {
    try {
      return JSON.parse(this.decoder.decode(this.bytes.subarray(entry.start, entry.end)));
    } catch (error) {
      const where = entry.offset >= 0 ? ` (its first member starts at byte ${entry.offset}, decompressed)` : '';
      throw new NpiRatesError('NPI_RATES_BAD_JSON', `${this.sourceName}: invalid JSON in ${entry.path}${where}: ${(error as Error).message}`, {
        hint: 'the index file is damaged; download it again or report it to the publisher',
        details: { offset: entry.offset, path: entry.path },
      });
    }
  }

  private push(byte: number): void {
    if (this.length === this.bytes.length) this.grow(1);
    this.bytes[this.length++] = byte;
  }

  private append(value: Uint8Array): void {
    if (this.length + value.length > this.bytes.length) this.grow(value.length);
    this.bytes.set(value, this.length);
    this.length += value.length;
  }

  private grow(extra: number): void {
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}
