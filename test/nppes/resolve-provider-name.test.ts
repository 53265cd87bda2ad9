import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePersonName, parsePickValues, resolveProviderName } from '../../src/nppes/resolve-provider-name.js';
import { startFakeNpiRegistry } from '../helpers/fake-npi-registry.js';
import type { FakeNpiRegistry } from '../helpers/fake-npi-registry.js';

let registry: FakeNpiRegistry;
beforeAll(async () => {
  registry = await startFakeNpiRegistry();
});
afterAll(async () => {
  await registry.close();
});

function terminal(input = '') {
  const stdin = new PassThrough();
  const err = new PassThrough();
  let written = '';
  err.on('data', (piece: Buffer) => (written += piece.toString('utf8')));
  if (input) stdin.write(input);
  return { io: { stdin, err }, stdin, written: () => written };
}

const JANE_DOE_LIST = [
  '  1. 1000000012  JANE A DOE (MD)  NPI-1  Internal Medicine  NEW YORK, NY',
  '  2. 1000000020  JANE DOE (DO)  NPI-1  Family Medicine  ALBANY, NY',
  '  3. 1000000046  JANE B DOE (NP)  NPI-1  Nurse Practitioner  AUSTIN, TX',
].join('\n');

describe('parsePersonName', () => {
  it('reads "First Last", "Last, First", titles and credentials', () => {
    expect(parsePersonName('Jane Doe')).toEqual({ firstName: 'Jane', lastName: 'Doe' });
    expect(parsePersonName('Doe, Jane A')).toEqual({ firstName: 'Jane', lastName: 'Doe' });
    expect(parsePersonName('Dr. Jane A. Doe, M.D.')).toEqual({ firstName: 'Jane', lastName: 'Doe' });
    expect(parsePersonName('Smith')).toEqual({ lastName: 'Smith' });
    expect(parsePersonName('  ')).toBeNull();
  });
});

describe('parsePickValues', () => {
  it('accepts repeated and comma-separated positions, each once', () => {
    expect(parsePickValues(['1,3', '3', '2 4'])).toEqual([1, 3, 2, 4]);
  });

  it('refuses zero and words', () => {
    expect(() => parsePickValues(['0'])).toThrow("--pick '0' is not a list position");
    expect(() => parsePickValues(['first'])).toThrow("--pick 'first' is not a list position");
  });
});

describe('resolveProviderName', () => {
  it('refuses to guess without a terminal and lists the matches with their positions', async () => {
    const { io } = terminal();
    await expect(resolveProviderName({ name: 'Jane Doe' }, { interactive: false, io, baseUrl: registry.url })).rejects.toMatchObject({
      code: 'NPI_RATES_PICK_REQUIRED',
      exitCode: 2,
      message: `'Jane Doe' matches 3 providers in the NPI Registry; choose with --pick:\n${JANE_DOE_LIST}`,
      hint: 'rerun with --pick N, or --pick 1,3 for several',
    });
  });

  it('asks the registry for people and for organizations by prefix', async () => {
    const { io } = terminal();
    const before = registry.requests.length;
    await resolveProviderName({ name: 'Doe Family', state: 'NY' }, { interactive: false, io, pick: [1], baseUrl: registry.url });
    expect(registry.requests.slice(before).map((query) => query.toString())).toEqual([
      'version=2.1&first_name=Doe&last_name=Family&state=NY&enumeration_type=NPI-1&limit=50',
      'version=2.1&organization_name=Doe+Family*&state=NY&enumeration_type=NPI-2&limit=50',
    ]);
  });

  it('returns the NPIs at the --pick positions', async () => {
    const { io } = terminal();
    const npis = await resolveProviderName({ name: 'Jane Doe' }, { interactive: false, io, pick: [3, 1], baseUrl: registry.url });
    expect(npis).toEqual([1000000046, 1000000012]);
  });

  it('narrows by state, city and taxonomy', async () => {
    const { io } = terminal();
    const npis = await resolveProviderName(
      { name: 'doe, jane', state: 'ny', city: 'albany', taxonomy: 'family' },
      { interactive: false, io, pick: [1], baseUrl: registry.url },
    );
    expect(npis).toEqual([1000000020]);
  });

  it('refuses a --pick past the end of the list, showing the list', async () => {
    const { io } = terminal();
    await expect(
      resolveProviderName({ name: 'Jane Doe', state: 'TX' }, { interactive: false, io, pick: [2], baseUrl: registry.url }),
    ).rejects.toMatchObject({
      code: 'NPI_RATES_BAD_PICK',
      message:
        "--pick 2 is not among the 1 matches for 'Jane Doe' (in TX):\n" +
        '  1. 1000000046  JANE B DOE (NP)  NPI-1  Nurse Practitioner  AUSTIN, TX',
    });
  });

  it('refuses a --pick that is not a list position even when given as a raw number', async () => {
    const { io } = terminal();
    for (const pick of [0, Number.NaN, 1.5]) {
      await expect(
        resolveProviderName({ name: 'Jane Doe', state: 'TX' }, { interactive: false, io, pick: [pick], baseUrl: registry.url }),
      ).rejects.toMatchObject({ code: 'NPI_RATES_BAD_PICK' });
    }
  });

  it('says so when nothing matches', async () => {
    const { io } = terminal();
    await expect(
      resolveProviderName({ name: 'Nobody Here', city: 'Reno', state: 'NV' }, { interactive: false, io, baseUrl: registry.url }),
    ).rejects.toMatchObject({
      code: 'NPI_RATES_NO_PROVIDER',
      message: "no provider in the NPI Registry matches 'Nobody Here' (in Reno, NV)",
    });
  });

  it('on a terminal shows the list and takes the numbers typed, asking again after a bad answer', async () => {
    const session = terminal('7\n1, 3\n');
    const npis = await resolveProviderName({ name: 'Jane Doe' }, { interactive: true, io: session.io, baseUrl: registry.url });
    expect(npis).toEqual([1000000012, 1000000046]);
    const prompt = 'Search which? Numbers between 1 and 3 (e.g. 1 or 1,3), Enter to cancel: ';
    expect(session.written()).toBe(
      `Providers in the NPI Registry:\n${JANE_DOE_LIST}\n${prompt}'7' is not a choice between 1 and 3\n${prompt}`,
    );
  });

  it('on a terminal cancels on an empty answer or end of input', async () => {
    const empty = terminal('\n');
    await expect(resolveProviderName({ name: 'Jane Doe' }, { interactive: true, io: empty.io, baseUrl: registry.url })).rejects.toMatchObject({
      code: 'NPI_RATES_NO_PICK',
    });
    const closed = terminal();
    closed.stdin.end();
    await expect(resolveProviderName({ name: 'Jane Doe' }, { interactive: true, io: closed.io, baseUrl: registry.url })).rejects.toMatchObject({
      code: 'NPI_RATES_NO_PICK',
    });
  });
});
