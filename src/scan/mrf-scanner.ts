import { NpiRatesError } from '../shared/errors.js';
import type { RowBlock } from '../search/rate-row.js';
import { asObjectList, asText, getField, schemaKey, isObject, type Warn } from '../match/loose-fields.js';
import type { MatchedGroup } from '../match/provider-group.js';
import {
  emptyItemHeader,
  matchRateGroups,
  type GroupSources,
  type ItemHeader,
} from '../match/rate-matcher.js';
import type { ReferenceTable } from '../match/reference-table.js';
import { ItemRows } from '../match/item-rows.js';
import type { RowDeduper } from '../match/row-dedupe.js';
import type { SpillFile } from '../match/spill-file.js';
import { addRateRows, itemParts, type ItemParts } from '../match/row-lines.js';
import { isWantedCode, type SearchTarget } from '../match/search-target.js';
import { formatPath } from './json-path.js';
import { parseWithNonFiniteNumbers } from './non-finite-json.js';
import { escapeControlCharacters } from './control-characters.js';
import { fragmentText } from './fragment-text.js';
import { quoteLongIntegers } from './long-integers.js';
import type { PathSegment, ValueKind, ValueMode, WalkerHandler } from './json-walker.js';
import { RatePrefilter, searchedDigitPatterns } from './rate-prefilter.js';
import { RateElementFilter } from './kernel/rate-filter.js';
import { ScanError } from './scan-error.js';
import { hasMoreKeysThanParsed, mayRepeatKeys, mayRepeatNpiKey, parseMergingRepeatedKeys } from './duplicate-keys.js';

/** How a parsed value is checked for a key an object repeats (see duplicate-keys.ts). */
type RepeatedKeyCheck = 'never' | 'look' | 'npi' | 'known';

/**
 * 'full' reads everything in one pass. When in_network comes before provider_references, the
 * first pass can only match inline groups; a 'references-only' pass over a spooled copy then
 * matches the referenced groups, ignoring the inline ones the first pass already reported.
 */
export type ScanPass = 'full' | 'references-only';

export interface MrfScanEvents {
  /** Rows of one finished in_network item as their JSON lines, already de-duplicated. */
  onRows(rows: RowBlock): void;
  /** When it says full after an item, the scan pauses (the walker's pause) until it drains. */
  isRowsFull?(): boolean;
  onWarning: Warn;
  /** A top-level scalar such as reporting_entity_name or last_updated_on. */
  onMetadata(key: string, value: string): void;
  /** Called once, when the first of provider_references and in_network is met. */
  onLayoutKnown?(isInNetworkFirst: boolean): void;
}

export interface MrfScannerOptions {
  sourceName: string;
  target: SearchTarget;
  table: ReferenceTable;
  pass: ScanPass;
  events: MrfScanEvents;
  /**
   * For the references-only pass: how many in_network values the first pass met. The pass ends
   * after the last (a repeated key puts rates after the provider_references, too). @default 1
   */
  inNetworkValues?: number;
  /** Shared between the passes of one file, so no row is written twice. */
  deduper: RowDeduper;
  /** Where the rows of a very large item wait until it ends; without it they stay in memory. */
  rowsSpill?: SpillFile;
  /**
   * Read negotiated_rates with the WebAssembly element filter where the runtime has it (false:
   * every rate goes through the JavaScript prefilter, as a cross-check in tests). @default true
   */
  useElementFilter?: boolean;
}

const METADATA_KEYS = new Set(['reporting_entity_name', 'reporting_entity_type', 'last_updated_on', 'version']);
/** Item fields that list codes (bundle and capitation items); kept in the rows as published. */
const ITEM_CODE_LISTS = new Set(['bundled_codes', 'covered_services']);
const HEADER_KEYS = new Set([
  'billing_code',
  'billing_code_type',
  'billing_code_type_version',
  'description',
  'name',
  'negotiation_arrangement',
]);

/**
 * The MRF-specific layer over JsonWalker: it decides which parts of an in-network-rates file
 * are read (provider_references entries, in_network item headers, each negotiated rate) and
 * turns matching rates into rows. Nothing here grows with the file: only matched groups and
 * the matched rates of the current item are kept.
 */
export class MrfScanner implements WalkerHandler {
  private readonly options: MrfScannerOptions;
  private readonly prefilter: RatePrefilter;
  private readonly sources: GroupSources;
  /** Reads negotiated_rates arrays in WebAssembly, handing over only candidate rates (if available). */
  readonly elementFilter: RateElementFilter | undefined;
  /** The negotiated_rates array being read goes through elementFilter (its candidates come from it). */
  private areRatesFiltered = false;
  private topKey = '';
  private itemField = '';
  /**
   * Path length of an in_network item: 2 for the usual array, 1 when in_network is one object,
   * 3 inside a list nested in in_network's list.
   */
  private itemDepth = 2;
  private hasWarnedAboutNestedItems = false;
  private header: ItemHeader = emptyItemHeader();
  /** Matched rates of an item whose billing code is not known yet (it comes after the rates). */
  private pendingRates: Array<{ rate: Record<string, unknown>; groups: MatchedGroup[] }> = [];
  private readonly itemRows: ItemRows;
  /** The parts of an item whose rows are being handed over (see emitFinishedRows). */
  private finishing: ItemParts | undefined;
  private isLayoutKnown = false;
  /** True when in_network was met before provider_references. */
  isInNetworkFirst = false;
  hasSeenReferences = false;
  hasSeenInNetwork = false;
  /** in_network values read to their end (more than one when the key is repeated). */
  inNetworkValuesRead = 0;

  /** An in_network array was read to its end. */
  get hasReadWholeInNetwork(): boolean {
    return this.inNetworkValuesRead > 0;
  }
  /** The references-only pass has read all of in_network: the rest of the file is not needed. */
  hasReadAllItNeeds = false;
  rowsFound = 0;

  constructor(options: MrfScannerOptions) {
    this.options = options;
    this.prefilter = new RatePrefilter(options.target);
    this.itemRows = new ItemRows(options.deduper, options.rowsSpill);
    this.elementFilter = options.useElementFilter === false ? undefined : RateElementFilter.create(searchedDigitPatterns(options.target));
    this.sources = {
      useReferences: true,
      useInlineGroups: options.pass === 'full',
    };
  }

  /** provider_references entries met, matching or not. */
  private referenceEntries = 0;

  /** Rates refer to provider groups by id, and the file defines none: no such rate can match. */
  get hasReferencesWithoutTable(): boolean {
    return this.referenceEntries === 0 && (this.prefilter.sawReferencedRate || this.elementFilter?.sawReferences === true);
  }

  /** Matched groups when a provider_references block began after in_network (see mayMissRows). */
  private groupsMatchedBeforeLateReferences: number | undefined;

  /**
   * Rows may be missing although the file was read to its end: a provider_references block
   * after in_network held wanted groups, which the rates read before it could not be matched to.
   */
  get missedLateReferences(): boolean {
    const before = this.groupsMatchedBeforeLateReferences;
    return before !== undefined && this.options.table.matchedGroupCount > before;
  }

  /** After a full pass: must in_network be read again now that the references are known? */
  get needsReferencesPass(): boolean {
    const table = this.options.table;
    return (
      this.isInNetworkFirst &&
      this.hasSeenReferences &&
      (this.prefilter.sawReferencedRate || this.elementFilter?.sawReferences === true) &&
      (table.hasMatches || table.hasPendingFetches)
    );
  }

  selectValue(path: readonly PathSegment[], kind: ValueKind): ValueMode {
    const depth = path.length;
    if (depth === 0) {
      if (kind === 'object') return 'descend';
      throw new NpiRatesError(
        'NPI_RATES_NOT_MRF',
        `${this.options.sourceName}: the document is a JSON ${kind}, not an in-network-rates object`,
        { hint: 'is this a table-of-contents file? use --toc-url for those' },
      );
    }
    if (depth === 1) return this.selectTopLevel(schemaKey(String(path[0])), kind);
    if (this.topKey === 'provider_references') return depth === 2 ? 'capture' : 'skip';
    if (this.topKey !== 'in_network') return 'skip';
    const relativeDepth = depth - this.itemDepth;
    if (relativeDepth === 0) {
      if (kind === 'object') return 'descend';
      if (kind === 'array' && this.itemDepth === 2) {
        // A list inside in_network's list (a writer's extra nesting): its objects are the items.
        if (!this.hasWarnedAboutNestedItems) {
          this.hasWarnedAboutNestedItems = true;
          this.options.events.onWarning(`${formatPath(path)} is a list inside in_network's list; the items in it are read`);
        }
        this.itemDepth = 3;
        return 'descend';
      }
      this.options.events.onWarning(`${formatPath(path)} is ${describeKind(kind)}, not an in_network item; skipped`);
      return 'skip';
    }
    if (relativeDepth === 1) {
      this.itemField = schemaKey(String(path[this.itemDepth]));
      return this.selectItemField(kind);
    }
    return relativeDepth === 2 && this.itemField === 'negotiated_rates' ? 'capture' : 'skip';
  }

  onCapture(path: readonly PathSegment[], bytes: Uint8Array, offset: number): void {
    const depth = path.length;
    if (depth === 1 && this.topKey !== 'provider_references' && this.topKey !== 'in_network') {
      const value = asText(this.parse(bytes, path, offset));
      if (value !== null) this.options.events.onMetadata(this.topKey, value);
      return;
    }
    if (this.topKey === 'provider_references') {
      this.referenceEntries++;
      if (this.prefilter.referenceMightMatch(bytes)) {
        const entry = this.parse(bytes, path, offset, { exactIntegers: true, repeatedKeys: 'look' });
        // An entry that is itself a list (a writer's extra nesting) holds the entries.
        const entries = Array.isArray(entry) ? asObjectList([entry], 'provider_references', this.options.events.onWarning) : [entry];
        for (const reference of entries) this.options.table.addReference(reference);
      }
      return;
    }
    if (this.itemField === 'negotiated_rates') {
      this.readRate(bytes, path, offset);
      return;
    }
    this.readHeaderField(this.parse(bytes, path, offset));
  }

  onEnter(path: readonly PathSegment[]): void | 'pause' {
    if (path.length === 1 && this.topKey === 'in_network') {
      // Remote provider groups must be known before the first rate is matched.
      return this.options.table.hasPendingFetches ? 'pause' : undefined;
    }
    if (this.topKey === 'in_network' && path.length === this.itemDepth) {
      // Normally done during the pause after the last item; the rows must be out before the next.
      while (!this.emitFinishedRows());
      this.header = emptyItemHeader();
      this.hasBillingCodeOfOtherShape = false;
      this.headerFieldsRead.clear();
      this.pendingRates = [];
      this.itemRows.clear();
    }
  }

  onExit(path: readonly PathSegment[]): void | 'pause' {
    if (this.topKey !== 'in_network') return;
    if (path.length === 1) this.inNetworkValuesRead++;
    if (this.itemDepth === 3 && path.length === 2) {
      // The end of a nested list of items (see selectValue).
      this.itemDepth = 2;
      return;
    }
    let pause = false;
    if (path.length === this.itemDepth) {
      this.finishItem();
      pause = this.finishing !== undefined || this.options.events.isRowsFull?.() === true;
    }
    if (path.length === 1 && this.options.pass === 'references-only' && this.inNetworkValuesRead >= (this.options.inNetworkValues ?? 1)) {
      // Pausing lets the walk end here (see hasReadAllItNeeds).
      this.hasReadAllItNeeds = true;
      pause = true;
    }
    return pause ? 'pause' : undefined;
  }

  private selectTopLevel(key: string, kind: ValueKind): ValueMode {
    this.topKey = key;
    if (key === 'provider_references') {
      this.noteLayout(false);
      if (this.hasSeenInNetwork && !this.isInNetworkFirst && this.options.pass === 'full') {
        // A second provider_references after an in_network: a rare layout (duplicate keys). Reading
        // the rates again would need another pass over a file already known not to need one; the
        // scan says so at its end if the block held a wanted group (see missedLateReferences).
        this.groupsMatchedBeforeLateReferences ??= this.options.table.matchedGroupCount;
      }
      this.hasSeenReferences = true;
      if (this.options.pass === 'references-only') return 'skip';
      if (kind === 'array') return 'descend';
      if (kind === 'object') {
        this.options.events.onWarning('provider_references is a single object, read as one entry');
        return 'capture';
      }
      this.options.events.onWarning(`provider_references is ${describeKind(kind)}, not a list of provider groups; skipped`);
      return 'skip';
    }
    if (key === 'in_network') {
      this.noteLayout(true);
      this.hasSeenInNetwork = true;
      if (kind === 'array' || kind === 'object') {
        this.itemDepth = kind === 'array' ? 2 : 1;
        if (kind === 'object') this.options.events.onWarning('in_network is a single object, read as one item');
        return 'descend';
      }
      this.options.events.onWarning(`in_network is ${describeKind(kind)}, not a list of items: the file holds no rates`);
      return 'skip';
    }
    return METADATA_KEYS.has(key) && kind !== 'object' && kind !== 'array' ? 'capture' : 'skip';
  }

  private selectItemField(kind: ValueKind): ValueMode {
    if (this.itemField === 'negotiated_rates') {
      // With --code, a billing code read before the rates lets the whole array be skipped.
      if (this.header.billing_code !== null && !this.isItemWanted()) return 'skip';
      this.areRatesFiltered = kind === 'array' && this.elementFilter !== undefined;
      if (kind === 'array' && this.elementFilter !== undefined) {
        const table = this.options.table;
        this.elementFilter.useGroups({
          useReferences: this.sources.useReferences,
          useInline: this.sources.useInlineGroups,
          hasMatches: table.hasMatches,
          matchedIds: table.matchedNumericIds,
        });
        return 'filter';
      }
      if (kind === 'array') return 'descend';
      if (kind === 'object') {
        this.options.events.onWarning('negotiated_rates is a single object, read as one rate');
        return 'capture';
      }
      this.options.events.onWarning(`negotiated_rates is ${describeKind(kind)}, not a list of rates; skipped`);
      return 'skip';
    }
    if (ITEM_CODE_LISTS.has(this.itemField)) return kind === 'array' || kind === 'object' ? 'capture' : 'skip';
    // A list is captured too: some writers put the one code in a list (["99217"]); an object is
    // captured to say what was there instead of text.
    return HEADER_KEYS.has(this.itemField) ? 'capture' : 'skip';
  }

  private noteLayout(isInNetworkFirst: boolean): void {
    if (this.isLayoutKnown) return;
    this.isLayoutKnown = true;
    this.isInNetworkFirst = isInNetworkFirst && this.options.pass === 'full';
    this.options.events.onLayoutKnown?.(isInNetworkFirst);
  }

  private readHeaderField(value: unknown): void {
    if (this.itemField === 'bundled_codes' || this.itemField === 'covered_services') {
      const codes = asObjectList(value, this.itemField, this.options.events.onWarning).filter(isObject);
      if (codes.length > 0) this.header[this.itemField] = codes;
      return;
    }
    const single = this.singleValueOf(value);
    if (typeof single === 'object' && single !== null) {
      this.warnAboutShape(single);
      if (this.itemField === 'billing_code') this.hasBillingCodeOfOtherShape = true;
    }
    const text = asText(single);
    // JSON allows a key twice; the last value is taken, as JSON.parse would, but not silently.
    if (this.headerFieldsRead.has(this.itemField)) {
      this.options.events.onWarning(`an in_network item has ${this.itemField} twice; the last value (${JSON.stringify(text)}) is used`);
    }
    this.headerFieldsRead.add(this.itemField);
    switch (this.itemField) {
      case 'billing_code':
        this.header.billing_code = text === null ? null : text.trim();
        break;
      case 'billing_code_type':
        this.header.billing_code_type = text;
        break;
      case 'billing_code_type_version':
        if (text !== null) this.header.billing_code_type_version = text;
        break;
      case 'description':
        this.header.description = text;
        break;
      case 'name':
        if (text !== null) this.header.name = text;
        break;
      case 'negotiation_arrangement':
        this.header.negotiation_arrangement = text;
        break;
    }
  }

  /** The current item's billing_code is an object or a list of them (warned about, not "missing"). */
  private hasBillingCodeOfOtherShape = false;

  /** Item fields already warned about for holding an object (once per field and file). */
  private readonly fieldsWarnedAboutShape = new Set<string>();

  /** An item field that should be text holds an object or a list of lists: said once per field. */
  private warnAboutShape(value: object): void {
    if (this.fieldsWarnedAboutShape.has(this.itemField)) return;
    this.fieldsWarnedAboutShape.add(this.itemField);
    const shape = Array.isArray(value) ? 'a list' : 'an object';
    this.options.events.onWarning(
      `an in_network item's ${this.itemField} is ${shape} (${JSON.stringify(value).slice(0, 60)}), not text; it is read as empty in every item where it is`,
    );
  }

  /**
   * A header field written as a list: its one value (with a warning), or its first of several; a
   * list holding only objects gives its first object, for warnAboutShape.
   */
  private singleValueOf(value: unknown): unknown {
    if (!Array.isArray(value)) return value;
    const values = value.filter((item) => asText(item) !== null);
    if (values.length > 1) {
      this.options.events.onWarning(`${this.itemField} holds ${values.length} values (${JSON.stringify(value).slice(0, 60)}); the first is used`);
    } else if (values.length === 1) {
      this.options.events.onWarning(`${this.itemField} is a list of one value; read as that value`);
    }
    return values[0] ?? value.find((item) => typeof item === 'object' && item !== null) ?? null;
  }

  private readRate(bytes: Uint8Array, path: readonly PathSegment[], offset: number): void {
    const { table, target, events } = this.options;
    if (!this.prefilter.rateMightMatch(bytes, table, this.sources.useReferences, this.sources.useInlineGroups)) {
      return;
    }
    const repeatedKeys = this.repeatedKeyCheckOfRate();
    // A matched rate is also checked for a repeat of any key (a price's negotiated_rate twice).
    let parsed = this.parse(bytes, path, offset, { repeatedKeys, isRate: true });
    // A referenced id beyond 2^53 lost its last digits to JSON.parse: read again, keeping them.
    if (holdsRoundedReference(parsed)) parsed = this.parse(bytes, path, offset, { exactIntegers: true, isRepeat: true, repeatedKeys, isRate: true });
    // A rate that is itself a list (a writer's extra nesting) holds the rates.
    const rates = Array.isArray(parsed) ? asObjectList([parsed], 'negotiated_rates', events.onWarning) : [parsed];
    for (const rate of rates) {
      if (!isObject(rate)) continue;
      const groups = matchRateGroups(rate, table, target, this.sources, events.onWarning);
      if (groups.length === 0) continue;
      // A billing code read before the rates was checked against --code when they began. Rows do
      // not depend on the item's fields, so without --code they are made now whatever comes later.
      if (this.header.billing_code !== null || target.codes.size === 0) addRateRows(rate, groups, events.onWarning, this.itemRows);
      else this.pendingRates.push({ rate, groups });
    }
  }

  /**
   * How the rate being read is checked for a repeated key: the rate filter saw its members (a rate
   * it handed over needs only its inline groups looked at); one read without it is looked at whole.
   */
  private repeatedKeyCheckOfRate(): RepeatedKeyCheck {
    const filter = this.elementFilter;
    if (!this.areRatesFiltered || filter === undefined) return 'look';
    if (filter.candidateRepeatsMember) return 'known';
    return filter.candidateHasGroups ? 'npi' : 'never';
  }

  private isItemWanted(): boolean {
    return isWantedCode(this.options.target, this.header.billing_code_type, this.header.billing_code);
  }

  /** Turns the item's matched rates into row lines, merging identical rows into one with a count. */
  private finishItem(): void {
    const pending = this.pendingRates;
    this.pendingRates = [];
    const rows = this.itemRows;
    if (pending.length === 0 && rows.isEmpty) return;
    if (!this.isItemWanted()) {
      rows.clear();
      return;
    }
    for (const { rate, groups } of pending) addRateRows(rate, groups, this.options.events.onWarning, rows);
    // A billing_code of another shape was told about already (warnAboutShape).
    if (this.header.billing_code === null && !this.hasBillingCodeOfOtherShape) {
      this.options.events.onWarning('an in_network item with matching rates has no billing_code; its rows have an empty one');
    }
    this.finishing = itemParts(this.options.sourceName, this.header);
    this.warnAboutSpillFailure();
    this.emitFinishedRows();
  }

  private hasWarnedAboutSpill = false;

  /** Once: a very large item's rows could not go to the temporary folder, so they use memory. */
  private warnAboutSpillFailure(): void {
    const failure = this.options.rowsSpill?.failure;
    if (failure === undefined || this.hasWarnedAboutSpill) return;
    this.hasWarnedAboutSpill = true;
    this.options.events.onWarning(
      `the rows of a very large in_network item could not be moved to the temporary folder (${failure}), so they were kept in memory; ` +
        'free space there or set TMPDIR to another folder',
    );
  }

  /**
   * After the document failed inside an in_network item (a file cut off in one huge item): the
   * rows of its rates read so far, with the item fields read so far, so they are not lost.
   */
  salvageOpenItem(): void {
    if (this.topKey !== 'in_network') return;
    if (this.finishing === undefined) this.finishItem();
    while (!this.emitFinishedRows());
  }

  /**
   * Hands the finished item's rows to onRows a block at a time, and stops while the writer is
   * full (an item of millions of rows comes in several blocks). True once all are handed over;
   * else the scan pauses and calls it again when the writer has caught up.
   */
  emitFinishedRows(): boolean {
    const item = this.finishing;
    if (item === undefined) return true;
    const { events } = this.options;
    for (;;) {
      const block = this.itemRows.finishNext(item);
      if (block === undefined) {
        this.finishing = undefined;
        return true;
      }
      this.rowsFound += block.count;
      events.onRows(block);
      if (events.isRowsFull?.() === true) return false;
    }
  }

  /**
   * JSON.parse of a captured value. `exactIntegers` keeps integers beyond 2^53 exact, as strings
   * (see long-integers.ts); it costs a look at the whole text, so it is asked for where ids are.
   * `isRepeat`: the value was parsed before, and its warnings given then.
   */
  private hasWarnedAboutEncoding = false;
  /** The item fields read so far in the current in_network item (a repeated key is told about). */
  private readonly headerFieldsRead = new Set<string>();

  /** The fragment's text; bytes that are not UTF-8 are read as Windows-1252, told once per file. */
  private textOf(bytes: Uint8Array, path: readonly PathSegment[], offset: number, isRepeat: boolean): string {
    const { text, notUtf8At } = fragmentText(bytes);
    if (notUtf8At !== undefined && !isRepeat && !this.hasWarnedAboutEncoding) {
      this.hasWarnedAboutEncoding = true;
      const byte = bytes[notUtf8At].toString(16).toUpperCase().padStart(2, '0');
      this.options.events.onWarning(
        `the file is not valid UTF-8 (byte 0x${byte} at byte ${offset + notUtf8At} (decompressed), in ${formatPath(path)}); ` +
          'such values are read as Windows-1252 (Latin-1), which files with these bytes usually are: check names and descriptions',
      );
    }
    return text;
  }

  /** `text` (valid JSON) again, with the values of a repeated key merged (see duplicate-keys.ts). */
  private parseMergingRepeatedKeys(text: string, path: readonly PathSegment[], offset: number, isRepeat: boolean): unknown {
    const { value, joinedKeys, differingValues } = parseMergingRepeatedKeys(text);
    if (isRepeat) return value;
    const where = `${formatPath(path)} (from byte ${offset})`;
    if (joinedKeys.length > 0) {
      this.options.events.onWarning(
        `${where} repeats the key${joinedKeys.length > 1 ? 's' : ''} ${joinedKeys.join(', ')} in one object; ` +
          'the values of every copy are read (lists joined), not only the last',
      );
    }
    for (const { key, earlier, later, within } of differingValues) {
      // The object that repeats the key, inside the value read from `offset` (a price in a rate, say).
      const object = within.length === 0 ? where : `${formatPath([...path, ...within])} (in the value from byte ${offset})`;
      this.options.events.onWarning(
        `${object} repeats the key ${key} with different values (${preview(earlier)}, then ${preview(later)}); ` +
          'the last is used, as JSON readers do: report the file to its publisher',
      );
    }
    return value;
  }

  private parse(
    bytes: Uint8Array,
    path: readonly PathSegment[],
    offset: number,
    {
      exactIntegers = false,
      isRepeat = false,
      repeatedKeys = 'never',
      isRate = false,
    }: { exactIntegers?: boolean; isRepeat?: boolean; repeatedKeys?: RepeatedKeyCheck; isRate?: boolean } = {},
  ): unknown {
    const text = this.textOf(bytes, path, offset, isRepeat);
    const withLongIntegers = exactIntegers ? quoteLongIntegers(text) : undefined;
    try {
      const value: unknown = JSON.parse(withLongIntegers ?? text);
      const mayRepeat =
        (repeatedKeys === 'look' ? mayRepeatKeys(text) : repeatedKeys === 'npi' ? mayRepeatNpiKey(text) : repeatedKeys === 'known') ||
        (isRate && hasMoreKeysThanParsed(text, value));
      return mayRepeat ? this.parseMergingRepeatedKeys(withLongIntegers ?? text, path, offset, isRepeat) : value;
    } catch (error) {
      const withEscapes = escapeControlCharacters(text);
      if (withEscapes !== undefined) {
        try {
          const value: unknown = JSON.parse(exactIntegers ? (quoteLongIntegers(withEscapes.text) ?? withEscapes.text) : withEscapes.text);
          if (!isRepeat) {
            this.options.events.onWarning(
              `${formatPath(path)} (from byte ${offset}) holds a raw ${withEscapes.first} character inside a string, which JSON does not allow; read as if it were escaped`,
            );
          }
          return value;
        } catch {
          // Another fault besides: it is reported below, at its place in the text as written.
        }
      }
      // Faults are looked for in the text as written, so the byte offsets they name are the file's.
      const lenient = parseWithNonFiniteNumbers(
        text,
        withLongIntegers === undefined ? error : errorOfParsing(text),
        exactIntegers ? quoteLongIntegers : undefined,
      );
      if (lenient.ok) {
        if (!isRepeat) this.options.events.onWarning(
          `${lenient.firstToken} in ${formatPath(path)} (from byte ${offset}) is not a JSON number (a Python or pandas writer's); read as null`,
        );
        return lenient.value;
      }
      // JSON.parse names a position in characters: turned into bytes, it points at the fault itself.
      const { message, position } = lenient;
      const faultOffset = position === undefined ? offset : offset + new TextEncoder().encode(text.slice(0, position)).length;
      throw new ScanError('NPI_RATES_BAD_JSON', {
        sourceName: this.options.sourceName,
        offset: faultOffset,
        path: formatPath(path),
        state: 'PARSING_CAPTURED_VALUE',
        problem: `invalid JSON (${message}; the value it is in starts at byte ${offset})`,
      });
    }
  }
}

/** Does a parsed rate (or a list of them) refer to a group id JSON.parse could not keep exact? */
function holdsRoundedReference(rate: unknown): boolean {
  if (Array.isArray(rate)) return rate.some(holdsRoundedReference);
  return isObject(rate) && holdsRoundedInteger(getField(rate, 'provider_references'));
}

/** Does the value (a number, or lists of them) hold an integer JSON.parse could not keep exact? */
function holdsRoundedInteger(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && !Number.isSafeInteger(value);
  return Array.isArray(value) && value.some(holdsRoundedInteger);
}

/** The error JSON.parse throws on `text` (which it is known to refuse). */
function errorOfParsing(text: string): unknown {
  try {
    JSON.parse(text);
  } catch (error) {
    return error;
  }
  return new SyntaxError('invalid JSON');
}

/** "an array", "a string", "null (or true, false)": a value's kind in a message. */
function describeKind(kind: ValueKind): string {
  if (kind === 'literal') return 'null (or true, false)';
  return kind === 'object' || kind === 'array' ? `an ${kind}` : `a ${kind}`;
}

/** A value in a warning: its JSON, cut short. */
function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}
