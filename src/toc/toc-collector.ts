import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { redactUrl, unsignedUrl } from '../shared/redact-url.js';
import { fieldOf, isObject, listOf, textOf } from './loose-fields.js';
import { createPlanMatcher, hasFilters } from './plan-filter.js';
import type { TocFile, TocFilters, TocListing, TocPlan } from './toc-types.js';

export interface TocCollectorOptions {
  /** Keep the plans of each file (for `urls --json`). Off saves memory on indexes with millions of plans. @default true */
  includePlans?: boolean;
  /** Where the index came from: relative file locations are resolved against it, and only a local index may list local files. */
  tocLocation?: string;
}

/** Locations the byte sources can open. sftp/ftp and the like are reported and skipped. */
const SUPPORTED_SCHEMES = new Set(['http', 'https', 's3']);
/** An index read from this machine may also list files on it, which a remote one must not. */
const LOCAL_SCHEMES = new Set([...SUPPORTED_SCHEMES, 'file']);
const PLAN_SAMPLE_SIZE = 5;

interface FileEntry {
  url: string;
  description?: string;
  /** Insertion-ordered; plan objects are shared between files (see `internPlan`). */
  plans: Set<TocPlan>;
}

/**
 * Receives the `reporting_structure` elements of an index one at a time (already parsed, so it
 * never sees the whole file) and keeps only the distinct URLs of the structures the filters select.
 */
export class TocCollector {
  private readonly matchesFilters: (plan: TocPlan) => boolean;
  private readonly filtering: boolean;
  private readonly includePlans: boolean;
  /** A URL (http, https, s3) or, for an index on this machine, its folder. */
  private readonly base?: { url: string } | { folder: string };
  /** In-network file entries that cannot be searched, each with why: a search is then incomplete. */
  private readonly skippedFiles: string[] = [];
  private readonly inNetwork = new Map<string, FileEntry>();
  private readonly allowedAmounts = new Map<string, FileEntry>();
  private readonly warningCounts = new Map<string, number>();
  private readonly planSample = new Set<string>();
  /** One object per distinct plan, so a plan listed beside thousands of files is stored once. */
  private readonly knownPlans = new Map<string, TocPlan>();
  private structuresSeen = 0;
  private structuresSelected = 0;
  private reportingEntityName?: string;

  constructor(
    private readonly filters: TocFilters,
    options: TocCollectorOptions = {},
  ) {
    this.matchesFilters = createPlanMatcher(filters);
    this.filtering = hasFilters(filters);
    this.includePlans = options.includePlans ?? true;
    this.base = baseOf(options.tocLocation);
  }

  setReportingEntityName(value: unknown): void {
    this.reportingEntityName = textOf(value) ?? undefined;
  }

  addStructure(structure: unknown): void {
    this.structuresSeen += 1;
    if (!isObject(structure)) {
      this.warn('a reporting_structure element is not an object; skipped');
      return;
    }

    const plans = this.readPlans(fieldOf(structure, 'reporting_plans'));
    const selectedPlans = this.filtering ? plans.filter(this.matchesFilters) : plans;
    if (this.filtering && selectedPlans.length === 0) {
      this.samplePlans(plans);
      return;
    }
    this.structuresSelected += 1;

    const inNetworkFiles = listOf(fieldOf(structure, 'in_network_files'));
    if (inNetworkFiles.wasObject) this.warn('in_network_files is an object, treated as a one-element array');
    if (inNetworkFiles.wasText) this.warn('in_network_files is a single location, treated as a one-element array');
    for (const entry of inNetworkFiles.items) this.addFile(this.inNetwork, entry, 'in_network_files', selectedPlans);

    // The schema has one allowed_amount_file per structure; an array of them is read as well, silently.
    for (const entry of listOf(fieldOf(structure, 'allowed_amount_file')).items) {
      this.addFile(this.allowedAmounts, entry, 'allowed_amount_file', selectedPlans);
    }
  }

  result(): TocListing {
    if (this.structuresSeen === 0) {
      this.warn('the table of contents lists no reporting_structure elements');
    } else if (this.filtering && this.structuresSelected === 0) {
      const sample = [...this.planSample].join(', ');
      this.warn(
        `no reporting plan matches ${describeFilters(this.filters)} among ${this.structuresSeen} reporting structures` +
          (sample ? ` (plans seen include ${sample})` : ''),
      );
    }
    return {
      files: [...this.inNetwork.values()].map(toTocFile),
      allowedAmountFiles: [...this.allowedAmounts.values()].map(toTocFile),
      warnings: [...this.warningCounts].map(([message, count]) => (count > 1 ? `${message} (${count} times)` : message)),
      skippedFiles: this.skippedFiles,
      reportingEntityName: this.reportingEntityName,
      structuresSeen: this.structuresSeen,
      structuresSelected: this.structuresSelected,
    };
  }

  private readPlans(value: unknown): TocPlan[] {
    const { items, wasObject } = listOf(value);
    if (wasObject) this.warn('reporting_plans is an object, treated as a one-element array');
    const plans: TocPlan[] = [];
    for (const item of items) {
      if (!isObject(item)) continue;
      const plan: TocPlan = {
        plan_name: textOf(fieldOf(item, 'plan_name')),
        plan_id: textOf(fieldOf(item, 'plan_id')),
        plan_id_type: textOf(fieldOf(item, 'plan_id_type'))?.toLowerCase() ?? null,
        plan_market_type: textOf(fieldOf(item, 'plan_market_type'))?.toLowerCase() ?? null,
      };
      const issuerName = textOf(fieldOf(item, 'issuer_name'));
      if (issuerName !== null) plan.issuer_name = issuerName;
      plans.push(this.includePlans ? this.internPlan(plan) : plan);
    }
    return plans;
  }

  private addFile(target: Map<string, FileEntry>, entry: unknown, field: string, plans: TocPlan[]): void {
    // A bare URL string instead of { description, location } is read too.
    const location = textOf(isObject(entry) ? fieldOf(entry, 'location') : entry);
    if (location === null) {
      this.skip(field, `an ${field} entry has no location; skipped`);
      return;
    }
    const url = this.checkLocation(location, field);
    if (url === null) return;

    // One file listed twice with different signatures is listed once (the first link is kept).
    const key = unsignedUrl(url);
    let known = target.get(key);
    if (!known) {
      const description = isObject(entry) ? textOf(fieldOf(entry, 'description')) : null;
      known = { url, plans: new Set() };
      if (description !== null) known.description = description;
      target.set(key, known);
    }
    if (!this.includePlans) return;
    for (const plan of plans) known.plans.add(plan);
  }

  private internPlan(plan: TocPlan): TocPlan {
    const key = [plan.plan_id_type, plan.plan_id, plan.plan_name, plan.plan_market_type, plan.issuer_name].join('\u0000');
    const known = this.knownPlans.get(key);
    if (known) return known;
    this.knownPlans.set(key, plan);
    return plan;
  }

  /** The URL or path to list, or null (with a warning) when no byte source could open it. */
  private checkLocation(location: string, field: string): string | null {
    const base = this.base;
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location)?.[1]?.toLowerCase();
    if (scheme !== undefined) {
      if (SUPPORTED_SCHEMES.has(scheme)) return location;
      if (LOCAL_SCHEMES.has(scheme) && base !== undefined && 'folder' in base) return location;
      this.skip(
        field,
        scheme === 'file'
          ? `a file:// location in a table of contents read over the network skipped: '${redactUrl(location)}' (only an index on this machine may list local files)`
          : `unsupported location scheme '${scheme}' skipped`,
      );
      return null;
    }
    if (base !== undefined && 'url' in base) {
      this.warn('relative file locations resolved against the table-of-contents URL');
      return new URL(location, base.url).toString();
    }
    if (base !== undefined) {
      if (isAbsolute(location)) return location;
      this.warn('relative file locations resolved against the folder of the table of contents');
      return localPathOf(location, base.folder);
    }
    this.skip(field, `location without a scheme skipped: '${redactUrl(location)}'`);
    return null;
  }

  /** A file entry that cannot be listed: an in-network one is also remembered, as the search misses it. */
  private skip(field: string, message: string): void {
    this.warn(message);
    if (field === 'in_network_files') this.skippedFiles.push(message);
  }

  private samplePlans(plans: TocPlan[]): void {
    for (const plan of plans) {
      if (this.planSample.size >= PLAN_SAMPLE_SIZE) return;
      this.planSample.add(`${plan.plan_name ?? '?'} ${plan.plan_id ?? '?'}`);
    }
  }

  /** Adds a warning found outside the structures (by the stream reader, say). */
  noteWarning(message: string): void {
    this.warn(message);
  }

  private warn(message: string): void {
    this.warningCounts.set(message, (this.warningCounts.get(message) ?? 0) + 1);
  }
}

function toTocFile(entry: FileEntry): TocFile {
  const plans = [...entry.plans];
  return entry.description === undefined ? { url: entry.url, plans } : { url: entry.url, description: entry.description, plans };
}

export function describeFilters(filters: TocFilters): string {
  const parts: string[] = [];
  if (filters.planId !== undefined) parts.push(`plan id '${filters.planId}'`);
  if (filters.planName !== undefined) parts.push(`plan name ${String(filters.planName)}`);
  if (filters.market !== undefined) parts.push(`market '${filters.market}'`);
  return parts.join(' and ');
}

/** What relative locations in the index are resolved against: its URL, or its folder when it is local. */
function baseOf(tocLocation: string | undefined): { url: string } | { folder: string } | undefined {
  if (tocLocation === undefined || tocLocation === '-') return undefined;
  if (/^(https?|s3):\/\//i.test(tocLocation)) return { url: tocLocation };
  if (/^file:\/\//i.test(tocLocation)) return { folder: dirname(fileURLToPath(tocLocation)) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(tocLocation)) return undefined;
  return { folder: dirname(resolvePath(tocLocation)) };
}

/** A relative location as a path in `folder`, percent-escapes decoded as a browser would (`a%20b.json`). */
function localPathOf(location: string, folder: string): string {
  try {
    return fileURLToPath(new URL(location, pathToFileURL(`${folder}/`)));
  } catch {
    return resolvePath(folder, location);
  }
}
