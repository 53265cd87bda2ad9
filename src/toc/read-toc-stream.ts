import { JsonWalker, walkChunks } from '../scan/json-walker.js';
import type { PathSegment, ValueKind, ValueMode, WalkerHandler } from '../scan/json-walker.js';
import { formatPath } from '../scan/json-path.js';
import { NpiRatesError } from '../shared/errors.js';
import { schemaKey } from '../match/loose-fields.js';
import { hasFilters } from './plan-filter.js';
import { StructureBatch } from './structure-batch.js';
import { TocCollector } from './toc-collector.js';
import type { TocCollectorOptions } from './toc-collector.js';
import type { TocFilters, TocListing } from './toc-types.js';

const STRUCTURES_KEY = 'reporting_structure';
const ENTITY_NAME_KEY = 'reporting_entity_name';
/** Top-level keys of an in-network rate file, named in the error when one is given as an index. */
const RATE_FILE_KEYS = new Set(['in_network', 'provider_references']);

/**
 * Walks an index file's bytes and hands each `reporting_structure` element to a TocCollector,
 * parsed in batches of about 1 MiB, so multi-GB indexes stream through in bounded memory. Only the
 * members the collector reads are parsed. Keys are matched ignoring letter case.
 */
export async function readTocChunks(
  chunks: AsyncIterable<Uint8Array>,
  sourceName: string,
  filters: TocFilters,
  options: TocCollectorOptions = {},
): Promise<TocListing> {
  const collector = new TocCollector(filters, options);
  const needsPlans = (options.includePlans ?? true) || hasFilters(filters);
  const handler = new TocWalkerHandler(collector, sourceName, needsPlans);
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

/** Finished structures are parsed once this many bytes are waiting. */
const BATCH_BYTES = 1 << 20;
const PLANS_KEY = 'reporting_plans';
/** The structure members the collector reads; everything else is skipped unparsed. */
const MEMBER_KEYS = new Set([PLANS_KEY, 'in_network_files', 'allowed_amount_file']);

class TocWalkerHandler implements WalkerHandler {
  sawStructures = false;
  readonly topLevelKeys = new Set<string>();
  private readonly decoder = new TextDecoder('utf-8');
  private readonly batch: StructureBatch;
  /** Path length of a structure: 2 inside the reporting_structure array, 1 when it is a lone object. */
  private structureDepth = 2;

  constructor(
    private readonly collector: TocCollector,
    private readonly sourceName: string,
    /** Plans are only read when a filter or the caller needs them: they are most of an index's bytes. */
    private readonly needsPlans: boolean,
  ) {
    this.batch = new StructureBatch(sourceName);
  }

  selectValue(path: readonly PathSegment[], kind: ValueKind): ValueMode {
    const depth = path.length;
    if (depth === 0) {
      if (kind === 'object') return 'descend';
      throw new NpiRatesError(
        'NPI_RATES_NOT_A_TOC',
        `${this.sourceName}: not a table-of-contents file: the document is a JSON ${kind}, not an object`,
        { hint: 'check that --toc-url points at the index (table-of-contents) file' },
      );
    }
    const topKey = schemaKey(String(path[0]));
    if (depth === 1) {
      this.topLevelKeys.add(topKey);
      if (topKey === STRUCTURES_KEY) return this.selectStructures(kind);
      return topKey === ENTITY_NAME_KEY ? 'capture' : 'skip';
    }
    if (topKey !== STRUCTURES_KEY) return 'skip';
    if (depth === this.structureDepth) return kind === 'object' ? 'descend' : 'capture';
    if (depth === this.structureDepth + 1) {
      const key = schemaKey(String(path[depth - 1]));
      if (!MEMBER_KEYS.has(key) || (key === PLANS_KEY && !this.needsPlans)) return 'skip';
      return 'capture';
    }
    return 'skip';
  }

  onEnter(path: readonly PathSegment[], kind: 'object' | 'array'): void {
    if (kind !== 'object' || path.length !== this.structureDepth || !this.isInStructures(path)) return;
    if (this.batch.size >= BATCH_BYTES) this.flush();
    this.batch.beginObject(formatPath(path));
  }

  onExit(path: readonly PathSegment[], kind: 'object' | 'array'): void {
    if (kind === 'object' && path.length === this.structureDepth && this.isInStructures(path)) this.batch.endObject();
  }

  onCapture(path: readonly PathSegment[], bytes: Uint8Array, offset: number): void {
    if (path.length === 1) {
      this.collector.setReportingEntityName(this.parseValue(bytes, formatPath(path), offset));
    } else if (path.length === this.structureDepth) {
      this.batch.addWhole(bytes, formatPath(path), offset);
    } else {
      this.batch.addMember(schemaKey(String(path[path.length - 1])), bytes, offset);
    }
  }

  /** Hands the batched structures to the collector, in order. Call once more at the end of input. */
  flush(): void {
    for (const structure of this.batch.takeParsed()) this.collector.addStructure(structure);
  }

  private selectStructures(kind: ValueKind): ValueMode {
    this.sawStructures = true;
    if (kind === 'array') {
      this.structureDepth = 2;
      return 'descend';
    }
    if (kind === 'object') {
      this.collector.noteWarning('reporting_structure is an object, treated as a one-element array');
      this.structureDepth = 1;
      return 'descend';
    }
    return 'skip';
  }

  private isInStructures(path: readonly PathSegment[]): boolean {
    return schemaKey(String(path[0])) === STRUCTURES_KEY;
  }

  /** Captured values are only bracket-checked by the walker, so JSON.parse is the real check. */
  private parseValue(bytes: Uint8Array, path: string, offset: number): unknown {
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
