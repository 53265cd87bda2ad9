import { JsonWalker, walkChunks } from '../scan/json-walker.js';
import type { PathSegment, ValueKind, ValueMode, WalkerHandler } from '../scan/json-walker.js';
import { formatPath } from '../scan/json-path.js';
import { NpiRatesError } from '../shared/errors.js';
import { TocCollector } from './toc-collector.js';
import type { TocCollectorOptions } from './toc-collector.js';
import type { TocFilters, TocListing } from './toc-types.js';

const STRUCTURES_KEY = 'reporting_structure';
const ENTITY_NAME_KEY = 'reporting_entity_name';
/** Top-level keys of an in-network rate file, named in the error when one is given as an index. */
const RATE_FILE_KEYS = new Set(['in_network', 'provider_references']);

/**
 * Walks an index file's bytes and hands each `reporting_structure` element, parsed on its own, to
 * a TocCollector. Only one element is in memory at a time, so multi-GB indexes stream through.
 * Top-level keys are matched ignoring letter case.
 */
export async function readTocChunks(
  chunks: AsyncIterable<Uint8Array>,
  sourceName: string,
  filters: TocFilters,
  options: TocCollectorOptions = {},
): Promise<TocListing> {
  const collector = new TocCollector(filters, options);
  const handler = new TocWalkerHandler(collector, sourceName);
  await walkChunks(new JsonWalker(handler, sourceName), chunks);
  handler.flush();
  if (!handler.sawStructures) {
    const looksLikeRateFile = [...handler.topLevelKeys].some((key) => RATE_FILE_KEYS.has(key));
    throw new NpiRatesError(
      'NPI_RATES_NOT_A_TOC',
      `${sourceName}: not a table-of-contents file: it has no top-level reporting_structure` +
        (looksLikeRateFile ? ' (it looks like an in-network rate file)' : ''),
      { hint: 'give index files to --toc-url and in-network rate files to --url' },
    );
  }
  return collector.result();
}

/** Structures are parsed in batches of about this many bytes: one JSON.parse per batch is ~1.5x faster than one per structure. */
const BATCH_BYTES = 1 << 20;
const COMMA_BYTE = 0x2c;
const LEFT_BRACKET_BYTE = 0x5b;
const RIGHT_BRACKET_BYTE = 0x5d;

class TocWalkerHandler implements WalkerHandler {
  sawStructures = false;
  readonly topLevelKeys = new Set<string>();
  private readonly decoder = new TextDecoder('utf-8');
  /** `[` + captured structures joined by commas; positions kept to name a bad one. */
  private batch = new Uint8Array(BATCH_BYTES);
  private batchLength = 1;
  private readonly batchMembers: { start: number; end: number; offset: number; path: PathSegment[] }[] = [];

  constructor(
    private readonly collector: TocCollector,
    private readonly sourceName: string,
  ) {
    this.batch[0] = LEFT_BRACKET_BYTE;
  }

  selectValue(path: readonly PathSegment[], kind: ValueKind): ValueMode {
    if (path.length === 0) {
      if (kind === 'object') return 'descend';
      throw new NpiRatesError(
        'NPI_RATES_NOT_A_TOC',
        `${this.sourceName}: not a table-of-contents file: the document is a JSON ${kind}, not an object`,
        { hint: 'check that --toc-url points at the index (table-of-contents) file' },
      );
    }
    const topKey = String(path[0]).toLowerCase();
    if (path.length === 1) {
      this.topLevelKeys.add(topKey);
      if (topKey === STRUCTURES_KEY) {
        this.sawStructures = true;
        if (kind === 'array') return 'descend';
        if (kind === 'object') {
          this.collector.noteWarning('reporting_structure is an object, treated as a one-element array');
          return 'capture';
        }
        return 'skip';
      }
      return topKey === ENTITY_NAME_KEY ? 'capture' : 'skip';
    }
    return 'capture';
  }

  onCapture(path: readonly PathSegment[], bytes: Uint8Array, offset: number): void {
    if (String(path[0]).toLowerCase() === ENTITY_NAME_KEY) {
      this.collector.setReportingEntityName(this.parse(bytes, formatPath(path), offset));
      return;
    }
    if (this.batchLength + bytes.length + 1 > this.batch.length) {
      this.flush();
      if (bytes.length + 2 > this.batch.length) this.growBatch(bytes.length + 2);
    }
    this.batch.set(bytes, this.batchLength);
    this.batchMembers.push({ start: this.batchLength, end: this.batchLength + bytes.length, offset, path: [...path] });
    this.batchLength += bytes.length;
    this.batch[this.batchLength++] = COMMA_BYTE;
  }

  /** Hands the batched structures to the collector, in order. Call once more at the end of input. */
  flush(): void {
    if (this.batchMembers.length === 0) return;
    this.batch[this.batchLength - 1] = RIGHT_BRACKET_BYTE;
    let structures: unknown[];
    try {
      structures = JSON.parse(this.decoder.decode(this.batch.subarray(0, this.batchLength))) as unknown[];
    } catch {
      // Parse the members one by one so the error names the bad structure and its offset.
      for (const member of this.batchMembers) {
        this.parse(this.batch.subarray(member.start, member.end), formatPath(member.path), member.offset);
      }
      throw new Error('assertion failed: a batch of structures failed to parse but each member parsed alone');
    }
    for (const structure of structures) this.collector.addStructure(structure);
    this.batchLength = 1;
    this.batchMembers.length = 0;
  }

  private growBatch(size: number): void {
    const grown = new Uint8Array(size);
    grown[0] = LEFT_BRACKET_BYTE;
    this.batch = grown;
  }

  /** Captured values are only bracket-checked by the walker, so JSON.parse is the real check. */
  private parse(bytes: Uint8Array, path: string, offset: number): unknown {
    try {
      return JSON.parse(this.decoder.decode(bytes));
    } catch (error) {
      throw new NpiRatesError(
        'NPI_RATES_BAD_JSON',
        `${this.sourceName}: invalid JSON in ${path} (starting at byte ${offset}, decompressed): ${(error as Error).message}`,
        { hint: 'the index file is damaged; download it again or report it to the publisher', details: { offset, path } },
      );
    }
  }
}
