import { describe, expect, it } from 'vitest';
import { ReferenceTable } from '../../src/match/reference-table.js';
import { makeSearchTarget } from '../../src/match/search-target.js';

const A = 1000000012;
const B = 1000000020;
const D = 1000000046;
const tin = (n: number) => ({ type: 'ein', value: `11-100000${n}` });

/** A table for NPIs A, B and D whose remote files are the given documents, by URL. */
function tableWithRemotes(documents: Record<string, unknown>) {
  const warnings: string[] = [];
  const fetched: string[] = [];
  const table = new ReferenceTable(
    makeSearchTarget([A, B, D]),
    async (url) => {
      fetched.push(url);
      if (!(url in documents)) throw new Error(`HTTP 404 for ${url}`);
      return documents[url];
    },
    (message) => warnings.push(message),
  );
  return { table, warnings, fetched };
}

/** group id -> NPIs of its matched groups, for every id asked. */
function npisById(table: ReferenceTable, ids: string[]) {
  return Object.fromEntries(ids.map((id) => [id, (table.lookup(id) ?? []).flatMap((group) => group.npis)]));
}

describe('remote provider references (location)', () => {
  it('takes only the entry of its own id from a shared file that holds a whole provider_references table', async () => {
    const shared = 'https://mrf.example.test/refs/shared.json';
    const { table, warnings, fetched } = tableWithRemotes({
      [shared]: {
        provider_references: [
          { provider_group_id: 1, provider_groups: [{ npi: [A], tin: tin(1) }] },
          { provider_group_id: 2, provider_groups: [{ npi: [B], tin: tin(2) }] },
        ],
      },
    });
    table.addReference({ provider_group_id: 1, location: shared });
    table.addReference({ provider_group_id: '2', location: shared });
    table.addReference({ provider_group_id: 3, location: shared });
    await table.settle();
    // Before, every id got both groups: A's rates were reported for B and the other way round.
    expect(npisById(table, ['1', '2', '3'])).toEqual({ 1: [A], 2: [B], 3: [] });
    expect(fetched).toEqual([shared]);
    expect(table.unresolvedIds.get('3')).toBe('defines provider_group_id 1, 2 but not 3');
    expect(warnings).toEqual([
      'provider_group_id 3: the remote provider reference at https://mrf.example.test/refs/shared.json defines provider_group_id 1, 2 but not 3; results for this file are incomplete',
    ]);
  });

  it('reads a bare list of entries, and a one-entry table whose id differs, as the referencing group', async () => {
    const { table, warnings } = tableWithRemotes({
      'https://h.test/list.json': [{ provider_groups: [{ npi: [D], tin: tin(4) }] }],
      'https://h.test/groups.json': [{ npi: [A], tin: tin(1) }],
      'https://h.test/one.json': { provider_references: [{ provider_group_id: 99, provider_groups: [{ npi: [B], tin: tin(2) }] }] },
    });
    table.addReference({ provider_group_id: 6, location: 'https://h.test/list.json' });
    table.addReference({ provider_group_id: 7, location: 'https://h.test/groups.json' });
    table.addReference({ provider_group_id: 8, location: 'https://h.test/one.json' });
    await table.settle();
    expect(npisById(table, ['6', '7', '8'])).toEqual({ 6: [D], 7: [A], 8: [B] });
    expect(table.unresolvedIds.size).toBe(0);
    expect(warnings).toEqual([
      'provider_group_id 8: the remote provider reference at https://h.test/one.json is one entry with provider_group_id 99; read as group 8',
    ]);
  });

  it('marks a group unresolved when its remote file holds no readable groups (null, a number, neither key)', async () => {
    const { table, warnings } = tableWithRemotes({
      'https://h.test/null-groups.json': { provider_groups: null },
      'https://h.test/number.json': 42,
      'https://h.test/other.json': { version: '1.0.0' },
      'https://h.test/empty.json': { provider_groups: [] },
    });
    table.addReference({ provider_group_id: 5, location: 'https://h.test/null-groups.json' });
    table.addReference({ provider_group_id: 6, location: 'https://h.test/number.json' });
    table.addReference({ provider_group_id: 7, location: 'https://h.test/other.json' });
    table.addReference({ provider_group_id: 8, location: 'https://h.test/empty.json' });
    await table.settle();
    expect(Object.fromEntries(table.unresolvedIds)).toEqual({
      5: 'has provider_groups null, not a list of groups',
      6: 'is number, not an object holding provider_groups',
      7: 'holds neither provider_groups nor provider_references',
    });
    // An empty list is a group that holds nobody, as it would be inline: nothing is unknown.
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toBe(
      'provider_group_id 5: the remote provider reference at https://h.test/null-groups.json has provider_groups null, not a list of groups; results for this file are incomplete',
    );
  });
});

describe('an entry with both provider_groups and a location', () => {
  it('reads inline groups with a warning, and fetches the location when provider_groups is empty or null', async () => {
    const { table, warnings, fetched } = tableWithRemotes({ 'https://h.test/pg.json': { provider_groups: [{ npi: [B], tin: tin(2) }] } });
    table.addReference({ provider_group_id: 1, provider_groups: [{ npi: [A], tin: tin(1) }], location: 'https://h.test/pg.json' });
    table.addReference({ provider_group_id: 2, provider_groups: [], location: 'https://h.test/pg.json' });
    table.addReference({ provider_group_id: 3, provider_groups: null, location: 'https://h.test/pg.json' });
    await table.settle();
    expect(npisById(table, ['1', '2', '3'])).toEqual({ 1: [A], 2: [B], 3: [B] });
    expect(fetched).toEqual(['https://h.test/pg.json']);
    expect(warnings).toEqual(['provider_group_id 1 has both provider_groups and a location; the provider_groups are read and the location is not fetched']);
  });
});

describe('a provider_group_id defined twice', () => {
  it('uses the groups of both entries, and warns once both hold a wanted provider', () => {
    const { table, warnings } = tableWithRemotes({});
    table.addReference({ provider_group_id: 1, provider_groups: [{ npi: [A], tin: tin(1) }] });
    table.addReference({ provider_group_id: 1, provider_groups: [{ npi: [B], tin: tin(2) }, { npi: [D], tin: tin(4) }] });
    table.addReference({ provider_group_id: 2, provider_groups: [{ npi: [1111111112], tin: tin(3) }] });
    table.addReference({ provider_group_id: 2, provider_groups: [{ npi: [D], tin: tin(4) }] });
    expect(npisById(table, ['1', '2'])).toEqual({ 1: [A, B, D], 2: [D] });
    expect(warnings).toEqual(['provider_group_id 1 is defined by more than one provider_references entry; the groups of every entry are used']);
  });
});

describe('a relative location in a file on this machine', () => {
  it('is a path beside the file, its percent-escapes decoded as a browser would', async () => {
    const fetched: string[] = [];
    const table = new ReferenceTable(
      makeSearchTarget([A]),
      async (location) => {
        fetched.push(location);
        return { provider_groups: [{ npi: [A], tin: tin(1) }] };
      },
      () => {},
      '/data/mrf/in-network.json',
    );
    table.addReference({ provider_group_id: 1, location: 'refs/a%20b.json' });
    table.addReference({ provider_group_id: 2, location: '/srv/shared/g.json' });
    await table.settle();
    expect(fetched).toEqual(['/data/mrf/refs/a b.json', '/srv/shared/g.json']);
    expect(npisById(table, ['1', '2'])).toEqual({ 1: [A], 2: [A] });
  });
});
