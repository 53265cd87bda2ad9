import {
  BOM_FIRST,
  COLON,
  COMMA,
  LEFT_CURLY_BRACKET,
  LEFT_SQUARE_BRACKET,
  QUOTATION_MARK,
  REVERSE_SOLIDUS,
  RIGHT_CURLY_BRACKET,
  RIGHT_SQUARE_BRACKET,
  describeByte,
  isDigit,
  isLiteralByte,
  isNumberByte,
  isWhitespace,
  HYPHEN_MINUS,
  LATIN_CAPITAL_I,
  LATIN_CAPITAL_N,
} from './bytes.js';
import { ScanError } from './scan-error.js';
import { concatBytes } from '../shared/concat-bytes.js';
import { FilterStep, type ArrayElementFilter } from './array-element-filter.js';
import { formatPath } from './json-path.js';
import { ContainerEndFinder, FOUND_NOTHING, MISMATCHED_BRACKET } from './kernel/container-end-finder.js';

export type PathSegment = string | number;
export type ValueKind = 'object' | 'array' | 'string' | 'number' | 'literal';
export type ValueMode = 'descend' | 'capture' | 'skip' | 'filter';

export interface JsonWalkerOptions {
  /**
   * The loop that finds where skipped and captured containers end: 'wasm' (the SIMD kernel in
   * kernel/, about 4x faster) or 'js'. @default 'wasm', or 'js' where WebAssembly SIMD is missing
   */
  containerEndLoop?: 'wasm' | 'js';
}

export interface WalkerHandler {
  /**
   * A value starts inside a container being descended (or at the root). `path` is the walker's
   * own stack: read it, do not keep it. 'descend' walks into an object or array, 'capture'
   * delivers the value's raw bytes to onCapture, 'skip' checks its brackets and strings only.
   * 'filter' (arrays only, and only with an elementFilter) hands the array to that filter and
   * delivers to onCapture just the elements it returns, with their index on the path.
   */
  selectValue(path: readonly PathSegment[], kind: ValueKind): ValueMode;
  /**
   * Raw bytes of a captured value, valid until the next write() (copy them to keep them), and
   * the absolute offset of its first byte. 'pause' stops write() right after the value.
   */
  onCapture(path: readonly PathSegment[], bytes: Uint8Array, offset: number): void | 'pause';
  /** A descended container opened; 'pause' stops write() right after its opening bracket. */
  onEnter?(path: readonly PathSegment[], kind: 'object' | 'array'): void | 'pause';
  /** A descended container closed; 'pause' stops write() right after its closing bracket. */
  onExit?(path: readonly PathSegment[], kind: 'object' | 'array'): void | 'pause';
  /** Reads the arrays selected with 'filter' (set up by the handler before it selects one). */
  readonly elementFilter?: ArrayElementFilter;
}

const enum State {
  VALUE_EXPECTED,
  ARRAY_VALUE_OR_END_EXPECTED,
  OBJECT_KEY_OR_END_EXPECTED,
  OBJECT_KEY_EXPECTED,
  IN_KEY,
  COLON_EXPECTED,
  COMMA_OR_END_EXPECTED,
  IN_CONTAINER_VALUE,
  IN_STRING_VALUE,
  IN_NUMBER_VALUE,
  IN_LITERAL_VALUE,
  IN_FILTERED_ARRAY,
  AFTER_ROOT,
}

const STATE_NAMES = [
  'VALUE_EXPECTED',
  'ARRAY_VALUE_OR_END_EXPECTED',
  'OBJECT_KEY_OR_END_EXPECTED',
  'OBJECT_KEY_EXPECTED',
  'IN_KEY',
  'COLON_EXPECTED',
  'COMMA_OR_END_EXPECTED',
  'IN_CONTAINER_VALUE',
  'IN_STRING_VALUE',
  'IN_NUMBER_VALUE',
  'IN_LITERAL_VALUE',
  'IN_FILTERED_ARRAY',
  'AFTER_ROOT',
];

const BYTE_ORDER_MARK = [BOM_FIRST, 0xbb, 0xbf];
const OBJECT_FRAME = 0;
const ARRAY_FRAME = 1;
/** Nesting deeper than this inside one skipped value is refused rather than tracked. */
const MAX_SKIP_DEPTH = 4096;
const keyDecoder = new TextDecoder('utf-8', { fatal: false });

/**
 * A streaming JSON walker: it fully checks the grammar of the containers it descends into and,
 * inside values it captures or skips, tracks only strings, escapes and bracket nesting, which is
 * what keeps the hot loop short. It never holds more than the value being captured.
 */
export class JsonWalker {
  private readonly handler: WalkerHandler;
  private readonly sourceName: string;
  private state: State = State.VALUE_EXPECTED;
  private readonly path: PathSegment[] = [];
  private readonly frameKinds: number[] = [];
  private readonly frameIndexes: number[] = [];
  private chunkStartOffset = 0;
  /** Bytes of a UTF-8 byte-order mark matched so far; -1 once past the start. */
  private byteOrderMarkState = 0;
  private hasPaused = false;

  // The value being captured or skipped.
  private isCapturing = false;
  private valueStartOffset = 0;
  private captureStart = 0;
  private pieces: Uint8Array[] = [];
  private depth = 0;
  private isInString = false;
  private isEscaped = false;
  private readonly bracketStack = new Uint8Array(MAX_SKIP_DEPTH);
  /** The WebAssembly kernel doing findContainerEnd's work, when in use. */
  private readonly endFinder: ContainerEndFinder | undefined;

  // The key being read at a descended object level.
  private keyStart = 0;
  private keyPieces: Uint8Array[] = [];
  private currentKey = '';

  constructor(handler: WalkerHandler, sourceName: string, options: JsonWalkerOptions = {}) {
    this.handler = handler;
    this.sourceName = sourceName;
    this.endFinder = options.containerEndLoop === 'js' ? undefined : ContainerEndFinder.create();
  }

  /** Absolute number of bytes consumed so far. */
  get offset(): number {
    return this.chunkStartOffset;
  }

  /** The root value has been read to its end: whatever follows can only be padding or an error. */
  get isDocumentComplete(): boolean {
    return this.state === State.AFTER_ROOT;
  }

  /** Consumes bytes; returns how many (fewer than chunk.length only when a handler paused). */
  write(chunk: Uint8Array): number {
    const length = chunk.length;
    let i = 0;
    if (this.byteOrderMarkState >= 0) i = this.skipByteOrderMark(chunk);
    this.captureStart = 0;
    this.keyStart = 0;
    this.endFinder?.forgetChunk();
    this.handler.elementFilter?.forgetChunk();
    while (i < length) {
      switch (this.state) {
        case State.IN_FILTERED_ARRAY: {
          const next = this.nextFilteredElement(chunk, i, length);
          if (next < 0) return this.paused(-next);
          i = next;
          break;
        }
        case State.IN_CONTAINER_VALUE: {
          const end = this.findContainerEnd(chunk, i, length);
          if (end < 0) {
            i = length;
            break;
          }
          if (this.finishValue(chunk, end + 1)) return this.paused(end + 1);
          i = end + 1;
          break;
        }
        case State.IN_STRING_VALUE: {
          const end = this.findStringEnd(chunk, i, length);
          if (end < 0) {
            i = length;
            break;
          }
          if (this.finishValue(chunk, end + 1)) return this.paused(end + 1);
          i = end + 1;
          break;
        }
        case State.IN_NUMBER_VALUE:
        case State.IN_LITERAL_VALUE: {
          const isNumber = this.state === State.IN_NUMBER_VALUE;
          while (i < length && (isNumber ? isNumberByte(chunk[i]) : isLiteralByte(chunk[i]))) i++;
          if (i === length) break;
          if (this.finishValue(chunk, i)) return this.paused(i);
          break;
        }
        case State.IN_KEY: {
          const end = this.findStringEnd(chunk, i, length);
          if (end < 0) {
            this.keyPieces.push(chunk.slice(this.keyStart, length));
            i = length;
            break;
          }
          this.currentKey = this.decodeKey(chunk, end);
          this.state = State.COLON_EXPECTED;
          i = end + 1;
          break;
        }
        default: {
          const byte = chunk[i];
          if (isWhitespace(byte)) {
            i++;
            break;
          }
          const pause = this.structuralByte(i, byte);
          i++;
          if (pause) return this.paused(i);
        }
      }
    }
    this.saveUnfinishedPiece(chunk, length);
    return this.consumed(length);
  }

  /** End of input: the document must be complete. */
  end(): void {
    if (this.state === State.IN_NUMBER_VALUE && this.frameKinds.length === 0) {
      this.state = State.AFTER_ROOT;
    }
    if (this.state === State.AFTER_ROOT) return;
    if (this.chunkStartOffset === 0) {
      throw this.error('the input is empty; expected a JSON document', 'NPI_RATES_EMPTY');
    }
    const where = this.path.length === 0 ? 'the top level' : formatPath(this.path);
    throw this.error(
      `unexpected end of input while reading ${where} (file truncated or connection reset); ` +
        'file marked incomplete',
      'NPI_RATES_TRUNCATED',
    );
  }

  /** True once after a write() that a handler paused (even on the chunk's last byte). */
  takePause(): boolean {
    const paused = this.hasPaused;
    this.hasPaused = false;
    return paused;
  }

  private consumed(count: number): number {
    this.chunkStartOffset += count;
    return count;
  }

  private paused(count: number): number {
    this.hasPaused = true;
    return this.consumed(count);
  }

  /** Skips a UTF-8 byte-order mark (EF BB BF), even one split across chunks. */
  private skipByteOrderMark(chunk: Uint8Array): number {
    let i = 0;
    while (i < chunk.length && this.byteOrderMarkState >= 0) {
      if (chunk[i] !== BYTE_ORDER_MARK[this.byteOrderMarkState]) {
        if (this.byteOrderMarkState > 0) this.unexpected(i, chunk[i], 'the rest of a byte-order mark');
        this.byteOrderMarkState = -1;
        break;
      }
      i++;
      this.byteOrderMarkState = this.byteOrderMarkState === 2 ? -1 : this.byteOrderMarkState + 1;
    }
    return i;
  }

  /** Handles one non-whitespace byte at a descended level. Returns true when a handler paused. */
  private structuralByte(i: number, byte: number): boolean {
    switch (this.state) {
      case State.VALUE_EXPECTED:
        return this.startMemberValue(i, byte);
      case State.ARRAY_VALUE_OR_END_EXPECTED:
        if (byte === RIGHT_SQUARE_BRACKET) return this.closeContainer(i, byte);
        return this.startMemberValue(i, byte);
      case State.OBJECT_KEY_OR_END_EXPECTED:
        if (byte === RIGHT_CURLY_BRACKET) return this.closeContainer(i, byte);
        this.startKey(i, byte, "a key or '}'");
        return false;
      case State.OBJECT_KEY_EXPECTED:
        this.startKey(i, byte, "a key after ','");
        return false;
      case State.COLON_EXPECTED:
        if (byte !== COLON) this.unexpected(i, byte, `':' after the key "${this.currentKey}"`);
        this.path[this.frameKinds.length - 1] = this.currentKey;
        this.state = State.VALUE_EXPECTED;
        return false;
      case State.COMMA_OR_END_EXPECTED: {
        const isObject = this.frameKinds[this.frameKinds.length - 1] === OBJECT_FRAME;
        if (byte === COMMA) {
          this.state = isObject ? State.OBJECT_KEY_EXPECTED : State.VALUE_EXPECTED;
          return false;
        }
        if (byte === (isObject ? RIGHT_CURLY_BRACKET : RIGHT_SQUARE_BRACKET)) {
          return this.closeContainer(i, byte);
        }
        this.unexpected(i, byte, isObject ? "',' or '}'" : "',' or ']'");
        return false;
      }
      case State.AFTER_ROOT:
        // Zero bytes after the document are padding (a preallocated download, a block device),
        // not data: the document is whole. Anything else may be a second document: an error.
        if (byte === 0) return false;
        this.unexpected(i, byte, 'nothing after the end of the JSON document');
        return false;
      default:
        throw new Error(`walker state ${STATE_NAMES[this.state]} cannot take a structural byte`);
    }
  }

  private startKey(i: number, byte: number, expected: string): void {
    if (byte !== QUOTATION_MARK) this.unexpected(i, byte, expected);
    this.state = State.IN_KEY;
    this.keyStart = i + 1;
    this.keyPieces = [];
    this.isEscaped = false;
  }

  private decodeKey(chunk: Uint8Array, end: number): string {
    let bytes = chunk.subarray(this.keyStart, end);
    if (this.keyPieces.length > 0) {
      this.keyPieces.push(bytes);
      bytes = concatBytes(this.keyPieces);
      this.keyPieces = [];
    }
    const text = keyDecoder.decode(bytes);
    if (text.indexOf('\\') < 0) return text;
    try {
      return JSON.parse(`"${text}"`) as string;
    } catch {
      throw this.error(`invalid escape in the key "${text}"`, 'NPI_RATES_BAD_JSON');
    }
  }

  /** A value starts at a descended level (member of an object or array, or the root). */
  private startMemberValue(i: number, byte: number): boolean {
    const frameCount = this.frameKinds.length;
    if (frameCount > 0 && this.frameKinds[frameCount - 1] === ARRAY_FRAME) {
      const index = ++this.frameIndexes[frameCount - 1];
      this.path[frameCount - 1] = index;
    }
    // Setting an array's length is slow in V8 even when it does not change; this runs per value.
    if (this.path.length !== frameCount) this.path.length = frameCount;
    const kind = valueKindOf(byte);
    if (kind === undefined) {
      this.unexpected(i, byte, 'a JSON value');
    }
    const mode = this.handler.selectValue(this.path, kind);
    if (mode === 'descend' && (kind === 'object' || kind === 'array')) {
      return this.openContainer(kind);
    }
    if (mode === 'filter' && kind === 'array' && this.handler.elementFilter !== undefined) {
      this.handler.elementFilter.beginArray();
      this.state = State.IN_FILTERED_ARRAY;
      return false;
    }
    this.isCapturing = mode === 'capture';
    this.valueStartOffset = this.chunkStartOffset + i;
    this.captureStart = i;
    this.pieces = [];
    if (kind === 'object' || kind === 'array') {
      this.depth = 1;
      this.bracketStack[0] = byte;
      this.isInString = false;
      this.endFinder?.begin(byte);
      this.state = State.IN_CONTAINER_VALUE;
    } else if (kind === 'string') {
      this.isEscaped = false;
      this.state = State.IN_STRING_VALUE;
    } else {
      this.state = kind === 'number' ? State.IN_NUMBER_VALUE : State.IN_LITERAL_VALUE;
    }
    return false;
  }

  private openContainer(kind: 'object' | 'array'): boolean {
    this.frameKinds.push(kind === 'object' ? OBJECT_FRAME : ARRAY_FRAME);
    this.frameIndexes.push(-1);
    this.state = kind === 'object' ? State.OBJECT_KEY_OR_END_EXPECTED : State.ARRAY_VALUE_OR_END_EXPECTED;
    return this.handler.onEnter?.(this.path, kind) === 'pause';
  }

  private closeContainer(i: number, byte: number): boolean {
    const kind = this.frameKinds.pop() === OBJECT_FRAME ? 'object' : 'array';
    if (byte !== (kind === 'object' ? RIGHT_CURLY_BRACKET : RIGHT_SQUARE_BRACKET)) {
      this.unexpected(i, byte, kind === 'object' ? "'}'" : "']'");
    }
    this.frameIndexes.pop();
    this.path.length = this.frameKinds.length;
    this.state = this.frameKinds.length === 0 ? State.AFTER_ROOT : State.COMMA_OR_END_EXPECTED;
    return this.handler.onExit?.(this.path, kind) === 'pause';
  }

  /** A captured or skipped value ended just before `endExclusive`. Returns true on pause. */
  private finishValue(chunk: Uint8Array, endExclusive: number): boolean {
    let pause = false;
    if (this.isCapturing) {
      let bytes = chunk.subarray(this.captureStart, endExclusive);
      if (this.pieces.length > 0) {
        this.pieces.push(bytes);
        bytes = concatBytes(this.pieces);
        this.pieces = [];
      }
      pause = this.handler.onCapture(this.path, bytes, this.valueStartOffset) === 'pause';
    }
    this.state = this.frameKinds.length === 0 ? State.AFTER_ROOT : State.COMMA_OR_END_EXPECTED;
    return pause;
  }

  /**
   * Runs the element filter over chunk[start, length) up to its next result. Returns where to go
   * on, or minus that when a handler paused on a returned element.
   */
  private nextFilteredElement(chunk: Uint8Array, start: number, length: number): number {
    const filter = this.handler.elementFilter!;
    const step = filter.next(chunk, start, length, this.chunkStartOffset);
    switch (step) {
      case FilterStep.NEED_MORE:
        return length;
      case FilterStep.CANDIDATE: {
        const after = filter.position + 1;
        this.path.push(filter.candidateIndex);
        const pause = this.handler.onCapture(this.path, filter.candidate, filter.candidateOffset) === 'pause';
        this.path.pop();
        return pause ? -after : after;
      }
      case FilterStep.ARRAY_END:
        this.isCapturing = false;
        return this.finishValue(chunk, filter.position + 1) ? -(filter.position + 1) : filter.position + 1;
      case FilterStep.MISMATCHED_BRACKET: {
        const expected = filter.innermostOpenBracket() === LEFT_CURLY_BRACKET ? "'}'" : "']'";
        return this.unexpected(filter.position, chunk[filter.position], expected);
      }
      case FilterStep.MISSING_COMMA:
        return this.unexpected(filter.position, chunk[filter.position], "',' or ']'");
      case FilterStep.EMPTY_ELEMENT:
        return this.unexpected(filter.position, chunk[filter.position], 'a JSON value');
      default:
        throw this.error(`nesting deeper than ${MAX_SKIP_DEPTH} levels`, 'NPI_RATES_BAD_JSON', filter.position);
    }
  }

  /** Keeps the part of a captured value that this chunk holds; the chunk may be reused. */
  private saveUnfinishedPiece(chunk: Uint8Array, length: number): void {
    const isInValue =
      this.state === State.IN_CONTAINER_VALUE ||
      this.state === State.IN_STRING_VALUE ||
      this.state === State.IN_NUMBER_VALUE ||
      this.state === State.IN_LITERAL_VALUE;
    if (isInValue && this.isCapturing && this.captureStart < length) {
      this.pieces.push(chunk.slice(this.captureStart, length));
    }
  }

  /**
   * Index of the bracket that closes the value being skipped or captured, or -1 when the chunk
   * ends first. Strings are jumped over with indexOf, which is where most bytes of an MRF are.
   */
  private findContainerEnd(chunk: Uint8Array, start: number, length: number): number {
    if (this.endFinder !== undefined) return this.findContainerEndWithKernel(chunk, start, length);
    let i = start;
    let depth = this.depth;
    const stack = this.bracketStack;
    while (i < length) {
      if (this.isInString) {
        const end = this.findStringEnd(chunk, i, length);
        if (end < 0) break;
        this.isInString = false;
        i = end + 1;
        continue;
      }
      const byte = chunk[i];
      if (byte === QUOTATION_MARK) {
        this.isInString = true;
        this.isEscaped = false;
        i++;
        continue;
      }
      if (byte === LEFT_CURLY_BRACKET || byte === LEFT_SQUARE_BRACKET) {
        if (depth === MAX_SKIP_DEPTH) {
          this.depth = depth;
          throw this.error(`nesting deeper than ${MAX_SKIP_DEPTH} levels`, 'NPI_RATES_BAD_JSON', i);
        }
        stack[depth++] = byte;
        i++;
        continue;
      }
      if (byte === RIGHT_CURLY_BRACKET || byte === RIGHT_SQUARE_BRACKET) {
        depth--;
        // '{' + 2 is '}' and '[' + 2 is ']'.
        if (stack[depth] + 2 !== byte) {
          this.depth = depth + 1;
          this.unexpected(i, byte, stack[depth] === LEFT_CURLY_BRACKET ? "'}'" : "']'");
        }
        if (depth === 0) {
          this.depth = 0;
          return i;
        }
      }
      i++;
    }
    this.depth = depth;
    return -1;
  }

  /** findContainerEnd done by the WebAssembly kernel; the same results and the same errors. */
  private findContainerEndWithKernel(chunk: Uint8Array, start: number, length: number): number {
    const finder = this.endFinder!;
    const end = finder.find(chunk, start, length);
    if (end >= 0 || end === FOUND_NOTHING) return end;
    const at = finder.problemIndex;
    if (end === MISMATCHED_BRACKET) {
      const expected = finder.innermostOpenBracket() === LEFT_CURLY_BRACKET ? "'}'" : "']'";
      this.unexpected(at, chunk[at], expected);
    }
    throw this.error(`nesting deeper than ${MAX_SKIP_DEPTH} levels`, 'NPI_RATES_BAD_JSON', at);
  }

  /**
   * Index of the quote that ends the current string, or -1 when the chunk ends first (then
   * `isEscaped` records whether the chunk ended on an unpaired backslash). `start` must not
   * itself be an escaped position, except right after a chunk boundary (handled here).
   */
  private findStringEnd(chunk: Uint8Array, start: number, length: number): number {
    let i = start;
    if (this.isEscaped) {
      this.isEscaped = false;
      i++;
    }
    while (i < length) {
      const quote = chunk.indexOf(QUOTATION_MARK, i);
      if (quote < 0) break;
      let k = quote - 1;
      while (k >= i && chunk[k] === REVERSE_SOLIDUS) k--;
      if (((quote - 1 - k) & 1) === 0) return quote;
      i = quote + 1;
    }
    let k = length - 1;
    while (k >= i && chunk[k] === REVERSE_SOLIDUS) k--;
    this.isEscaped = ((length - 1 - k) & 1) === 1;
    return -1;
  }

  private unexpected(i: number, byte: number, expected: string): never {
    throw this.error(`expected ${expected} but found ${describeByte(byte)}`, 'NPI_RATES_BAD_JSON', i);
  }

  private error(message: string, code: string, indexInChunk?: number): ScanError {
    const offset = this.chunkStartOffset + (indexInChunk ?? 0);
    return new ScanError(code, {
      sourceName: this.sourceName,
      offset,
      path: formatPath(this.path),
      state: STATE_NAMES[this.state],
      problem: message,
    });
  }
}

function valueKindOf(byte: number): ValueKind | undefined {
  if (byte === LEFT_CURLY_BRACKET) return 'object';
  if (byte === LEFT_SQUARE_BRACKET) return 'array';
  if (byte === QUOTATION_MARK) return 'string';
  if (isDigit(byte) || byte === HYPHEN_MINUS) return 'number';
  if (byte === 0x74 || byte === 0x66 || byte === 0x6e) return 'literal'; // t, f, n
  // NaN and Infinity: not JSON, but Python writers emit them (see non-finite-json.ts).
  if (byte === LATIN_CAPITAL_N || byte === LATIN_CAPITAL_I) return 'literal';
  return undefined;
}

/**
 * Feeds a walker from an async chunk stream. When a handler pauses, `onPause` is awaited before
 * the rest of the chunk is fed, so handlers can wait for I/O (remote references) mid-stream.
 * When `hasAllItNeeds` answers true after a pause, the walk ends there: the rest of the stream
 * is neither read nor checked.
 */
export async function walkChunks(
  walker: JsonWalker,
  chunks: AsyncIterable<Uint8Array>,
  onPause: () => Promise<void> = async () => {},
  hasAllItNeeds: () => boolean = () => false,
): Promise<void> {
  for await (const chunk of chunks) {
    let rest = chunk;
    while (rest.length > 0) {
      rest = rest.subarray(walker.write(rest));
      if (!walker.takePause()) continue;
      await onPause();
      if (hasAllItNeeds()) return;
    }
  }
  walker.end();
}
