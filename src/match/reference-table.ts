import { asArray, asIdKey, asObjectList, asText, getField, isObject, type JsonObject, type Warn } from './loose-fields.js';
import { matchProviderGroup, type MatchedGroup } from './provider-group.js';
import type { SearchTarget } from './search-target.js';
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { redactUrl } from '../shared/redact-url.js';

/** Fetches a remote provider-reference file (`location`) and returns its parsed JSON. */
export type RemoteFetcher = (url: string) => Promise<unknown>;

/**
 * The file's provider_references, reduced to the groups the search wants: group id -> matched
 * groups. Groups that match nothing are dropped as soon as they are read, so the table stays
 * small whatever the file's size. Remote groups (`location`) are fetched once per URL.
 */
export class ReferenceTable {
  readonly matchedGroups = new Map<string, MatchedGroup[]>();
  /** Numeric ids of matchedGroups, for the byte prefilter of negotiated rates. */
  readonly matchedNumericIds = new Set<number>();
  /** group id -> why it could not be resolved. */
  readonly unresolvedIds = new Map<string, string>();
  private readonly pending = new Set<Promise<void>>();
  /** One fetch per URL, however many group ids point at it. */
  private readonly documentsByUrl = new Map<string, Promise<unknown>>();

  constructor(
    private readonly target: SearchTarget,
    private readonly fetchRemote: RemoteFetcher,
    private readonly warn: Warn,
    /** Where the file itself was read from: a relative `location` is resolved against it. */
    private readonly baseLocation?: string,
  ) {}

  /** Matched groups added so far, from any provider_references entry or remote file. */
  matchedGroupCount = 0;

  get hasMatches(): boolean {
    return this.matchedGroups.size > 0;
  }

  get hasPendingFetches(): boolean {
    return this.pending.size > 0;
  }

  /** Resolves once every remote fetch started so far has finished (failures become warnings). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** One element of the top-level provider_references array. */
  addReference(reference: unknown): void {
    if (!isObject(reference)) {
      this.warn(`provider_references entry is ${JSON.stringify(reference)?.slice(0, 40)}, not an object; ignored`);
      return;
    }
    const id = asIdKey(getField(reference, 'provider_group_id', this.warn));
    const networkNames = asArray(getField(reference, 'network_name', this.warn))
      .map(asText)
      .filter((name): name is string => name !== null);
    const groups = getField(reference, 'provider_groups', this.warn);
    const location = asText(getField(reference, 'location', this.warn));
    // An empty or null provider_groups beside a location is a writer's placeholder: the location holds them.
    const hasInlineGroups = groups !== undefined && groups !== null && !(Array.isArray(groups) && groups.length === 0);
    if (!hasInlineGroups && location !== null) {
      if (id === null) {
        this.warn(`provider reference with location ${location} has no provider_group_id; ignored`);
        return;
      }
      this.addRemote(id, location, networkNames);
      return;
    }
    if (id === null) {
      this.warn('provider_references entry without provider_group_id; its groups cannot be referenced');
      return;
    }
    if (groups === undefined && location === null) {
      // Some writers flatten a one-group entry: its npi and tin sit on the entry itself.
      if (getField(reference, 'npi') !== undefined || getField(reference, 'tin') !== undefined) {
        this.warn(`provider_group_id ${id} has npi and tin on the entry itself instead of in provider_groups; read as one group`);
        this.addGroups(id, [reference], networkNames);
      } else {
        this.warn(`provider_group_id ${id} has neither provider_groups nor a location; it holds no provider`);
      }
      return;
    }
    if (location !== null) this.warn(`provider_group_id ${id} has both provider_groups and a location; the provider_groups are read and the location is not fetched`);
    this.addGroups(id, asObjectList(groups, 'provider_groups', this.warn), networkNames);
  }

  /** Groups of a referenced id that the search wants, or undefined. */
  lookup(id: string): MatchedGroup[] | undefined {
    return this.matchedGroups.get(id);
  }

  private addGroups(id: string, groups: unknown[], networkNames: string[]): void {
    // An id defined by two entries: the groups of both are the id's (a writer's repeat or a merge).
    // Told about once it matters, when both hold a wanted provider.
    const hadMatches = this.matchedGroups.has(id);
    let isRepeatWarned = false;
    for (const group of groups) {
      const matched = matchProviderGroup(group, this.target, this.warn);
      if (matched === undefined) continue;
      matched.providerGroupId = id;
      if (networkNames.length > 0) matched.networkNames = networkNames;
      const list = this.matchedGroups.get(id);
      if (hadMatches && !isRepeatWarned) {
        isRepeatWarned = true;
        this.warn(`provider_group_id ${id} is defined by more than one provider_references entry; the groups of every entry are used`);
      }
      this.matchedGroupCount++;
      if (list) list.push(matched);
      else this.matchedGroups.set(id, [matched]);
      // Longer ids could round as numbers; the byte filters hand every rate with one to JavaScript.
      if (/^\d{1,15}$/.test(id)) this.matchedNumericIds.add(Number(id));
    }
  }

  private addRemote(id: string, written: string, networkNames: string[]): void {
    const resolved = resolveLocation(written, this.baseLocation);
    if (typeof resolved !== 'string') {
      this.unresolvedIds.set(id, resolved.problem);
      this.warn(`provider_group_id ${id}: ${resolved.problem}; results for this file are incomplete`);
      return;
    }
    const location = resolved;
    let document = this.documentsByUrl.get(location);
    if (document === undefined) {
      document = this.fetchRemote(location);
      this.documentsByUrl.set(location, document);
    }
    const fetching = document.then(
      (document) => {
        const found = remoteGroups(document, id);
        if (typeof found === 'string') {
          this.unresolvedIds.set(id, found);
          this.warn(`provider_group_id ${id}: the remote provider reference at ${redactUrl(location)} ${found}; results for this file are incomplete`);
          return;
        }
        if (found.note !== undefined) this.warn(`provider_group_id ${id}: the remote provider reference at ${redactUrl(location)} ${found.note}`);
        this.addGroups(id, found.groups, networkNames);
      },
      (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        this.unresolvedIds.set(id, reason);
        this.warn(
          `provider_group_id ${id}: remote provider reference could not be fetched (${reason}); ` +
            'results for this file are incomplete',
        );
      },
    );
    const tracked = fetching.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }
}

/**
 * Where a `location` points, resolved as a browser would against the file's own address when it
 * is relative (`pg5.json`, `/refs/pg5.json`): a URL for a file read over http(s) or from S3, a
 * path for a file on this machine. Only a file on this machine may point at local files (a
 * published file must not make the tool read them), and other schemes (sftp) cannot be read.
 */
function resolveLocation(written: string, base: string | undefined): string | { problem: string } {
  const location = written.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(location)?.[1]?.toLowerCase();
  const baseScheme = base === undefined ? undefined : /^([a-z][a-z0-9+.-]*):\/\//i.exec(base)?.[1]?.toLowerCase();
  const isLocalBase = base !== undefined && (baseScheme === undefined || baseScheme === 'file');
  if (scheme === 'http' || scheme === 'https' || scheme === 's3') return location;
  if (scheme === 'file') {
    return isLocalBase ? location : { problem: `location '${redactUrl(location)}' is a local file, which only a file on this machine may point at` };
  }
  if (scheme !== undefined && !/^[a-z]:[\\/]/i.test(location)) return { problem: `unsupported location scheme '${scheme}'` };
  if (base === undefined) return { problem: `location '${redactUrl(location)}' is relative, and the file's own address is unknown` };
  if (isLocalBase) {
    const folder = dirname(baseScheme === 'file' ? fileURLToPath(base) : resolvePath(base));
    if (isAbsolute(location)) return location;
    // Percent-escapes decoded as a browser would (`refs/a%20b.json`).
    try {
      return fileURLToPath(new URL(location, pathToFileURL(`${folder}/`)));
    } catch {
      return resolvePath(folder, location);
    }
  }
  try {
    return new URL(location, base).href;
  } catch {
    return { problem: `location '${redactUrl(location)}' cannot be resolved against ${redactUrl(base)}` };
  }
}

/**
 * The groups a remote reference file holds for group `id`, or why it holds none that can be read
 * (the file is then incomplete). It may be `{provider_groups}` (the schema), a bare list of groups
 * or of entries, or a whole provider_references table: several entries that carry ids are one
 * file shared by many ids, so only the entry of `id` is its (taking them all would give every
 * provider every other group's rates). `note`: a deviation worth a warning.
 */
function remoteGroups(document: unknown, id: string): { groups: unknown[]; note?: string } | string {
  if (Array.isArray(document)) return groupsOfEntries(asObjectList(document, 'remote reference'), id);
  if (!isObject(document)) return `is ${document === null ? 'null' : typeof document}, not an object holding provider_groups`;
  const groups = getField(document, 'provider_groups');
  if (groups !== undefined) {
    if (!Array.isArray(groups) && !isObject(groups)) return `has provider_groups ${JSON.stringify(groups)}, not a list of groups`;
    return { groups: asObjectList(groups, 'provider_groups') };
  }
  const references = getField(document, 'provider_references');
  if (references === undefined) return 'holds neither provider_groups nor provider_references';
  return groupsOfEntries(asObjectList(references, 'provider_references'), id);
}

/** Groups from a list whose elements are groups, or entries `{provider_group_id?, provider_groups}`. */
function groupsOfEntries(elements: unknown[], id: string): { groups: unknown[]; note?: string } | string {
  const entries = elements.filter((element) => isObject(element) && getField(element, 'provider_groups') !== undefined) as JsonObject[];
  if (entries.length === 0) return { groups: elements };
  const idsOf = entries.map((entry) => asIdKey(getField(entry, 'provider_group_id')));
  const withId = entries.filter((_, index) => idsOf[index] === id);
  const groupsOf = (chosen: JsonObject[]) => chosen.flatMap((entry) => asObjectList(getField(entry, 'provider_groups'), 'provider_groups'));
  if (withId.length > 0) return { groups: groupsOf(withId) };
  const otherIds = idsOf.filter((other): other is string => other !== null);
  if (otherIds.length === 0) return { groups: groupsOf(entries) };
  if (entries.length === 1) {
    return { groups: groupsOf(entries), note: `is one entry with provider_group_id ${otherIds[0]}; read as group ${id}` };
  }
  const shown = otherIds.slice(0, 5).join(', ') + (otherIds.length > 5 ? ', ...' : '');
  return `defines provider_group_id ${shown} but not ${id}`;
}
