import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RateRow, SearchOutput } from '../../src/search/rate-row.js';
import { mergeSearchOutputs } from '../../src/merge/merge-search-outputs.js';
import { parseSearchOutput } from '../../src/merge/read-search-output.js';
import { main } from '../../src/cli/main.js';
import { NpiRatesError } from '../../src/shared/errors.js';
import { captureIo } from '../helpers/capture-io.js';
import { makeTemporaryDir, removeTemporaryDirs } from './cloud-run-env.js';

function row(sourceFile: string, billingCode: string, rate: number): RateRow {
  return {
    source_file: sourceFile,
    npi: 1234567893,
    tin: { type: 'ein', value: '12-3456789' },
    billing_code_type: 'CPT',
    billing_code: billingCode,
    billing_code_description: null,
    negotiation_arrangement: 'ffs',
    negotiated_rate: rate,
    negotiated_type: 'negotiated',
    billing_class: 'professional',
    expiration_date: '9999-12-31',
    service_code: [],
    billing_code_modifier: [],
    occurrences: 1,
  };
}

function partial(overrides: Partial<SearchOutput['search_params']>, rows: RateRow[], errors: SearchOutput['errors'] = []): SearchOutput {
  return {
    search_params: { npis: [1234567893], searched_files: 1, matched_files: 1, duration_seconds: 1, ...overrides },
    results: rows,
    errors,
    warnings: [],
  };
}

afterAll(removeTemporaryDirs);

describe('mergeSearchOutputs', () => {
  it('sums file counts, keeps the longest duration and concatenates rows, errors and warnings in order', () => {
    const first = partial({ searched_files: 2, matched_files: 1, duration_seconds: 12.5 }, [row('a.json', '99213', 80)]);
    const second = partial({ searched_files: 3, matched_files: 2, duration_seconds: 40 }, [row('b.json', '99214', 120), row('c.json', '99215', 150)], [
      { source_file: 'd.json', message: 'truncated at byte 100' },
    ]);
    second.warnings.push({ source_file: 'e.json', message: 'remote reference unreachable' });
    const merged = mergeSearchOutputs([first, second]);
    expect(merged.search_params).toEqual({ npis: [1234567893], searched_files: 5, matched_files: 3, duration_seconds: 40 });
    expect(merged.results.map((result) => result.billing_code)).toEqual(['99213', '99214', '99215']);
    expect(merged.errors).toEqual([{ source_file: 'd.json', message: 'truncated at byte 100' }]);
    expect(merged.warnings).toEqual([{ source_file: 'e.json', message: 'remote reference unreachable' }]);
  });

  it('takes a file that two outputs both searched from the first only, with a warning', () => {
    const first = partial({ searched_files: 2, matched_files: 2 }, [row('a.json', '1', 1), row('shared.json', '2', 2)]);
    const second = partial({ searched_files: 3, matched_files: 1 }, [row('shared.json', '2', 2)], [{ source_file: 'bad.json', message: 'cut' }]);
    const merged = mergeSearchOutputs([first, second], ['part-1.json', 'part-2.json']);
    expect(merged.results.map((result) => `${result.source_file} ${result.billing_code}`)).toEqual(['a.json 1', 'shared.json 2']);
    // 2 + 3 files, shared.json counted once; matched: a.json and shared.json.
    expect(merged.search_params).toMatchObject({ searched_files: 4, matched_files: 2 });
    expect(merged.errors).toEqual([{ source_file: 'bad.json', message: 'cut' }]);
    expect(merged.warnings).toEqual([{ source_file: 'shared.json', message: 'searched in both part-1.json and part-2.json; the results of part-1.json are kept' }]);
  });

  it('counts a file once when one output was interrupted in it and another finished it', () => {
    // An interrupted run counts only the files it finished; its unfinished one is an error with partial rows.
    const interrupted = partial({ searched_files: 0, matched_files: 0, incomplete: true }, [row('x.json', '1', 1)], [
      { source_file: 'x.json', message: 'interrupted before the file was finished', code: 'NPI_RATES_INTERRUPTED' },
    ]);
    const finished = partial({ searched_files: 1, matched_files: 1 }, [row('x.json', '1', 1), row('x.json', '2', 2)]);
    for (const documents of [[interrupted, finished], [finished, interrupted]]) {
      const merged = mergeSearchOutputs(documents);
      expect(merged.search_params).toMatchObject({ searched_files: 1, matched_files: 1 });
      expect(merged.results.map((result) => result.billing_code)).toEqual(['1', '2']);
      expect(merged.errors).toEqual([]);
    }
  });

  it('is complete when another output finished every file an interrupted one left unfinished, and stays incomplete otherwise', () => {
    // The tester's case: a run stopped by SIGTERM in y.json after finishing x.json, and a full run of both.
    const flagged = { ...row('y.json', '1', 1), from_incomplete_file: true };
    const interrupted = partial({ searched_files: 1, matched_files: 1, incomplete: true }, [row('x.json', '1', 1), flagged], [
      { source_file: 'y.json', message: 'interrupted before the file was finished', code: 'NPI_RATES_INTERRUPTED' },
    ]);
    const finished = partial({ searched_files: 2, matched_files: 2 }, [row('x.json', '1', 1), row('y.json', '1', 1), row('y.json', '2', 2)]);
    const merged = mergeSearchOutputs([interrupted, finished]);
    expect(merged.errors).toEqual([]);
    expect(merged.search_params.incomplete).toBeUndefined();
    expect(merged.results.map((result) => `${result.source_file} ${result.billing_code}`)).toEqual(['x.json 1', 'y.json 1', 'y.json 2']);

    // A file that stays incomplete without an error or rows: only its warning tells.
    const unresolved = partial({ searched_files: 2, matched_files: 1, incomplete: true }, [row('x.json', '1', 1)]);
    unresolved.warnings = [{ source_file: 'z.json', message: 'provider_group_id 7: HTTP 403; results for this file are incomplete' }];
    expect(mergeSearchOutputs([unresolved, finished]).search_params.incomplete).toBe(true);
    // An output incomplete for a reason it does not show stays incomplete.
    expect(mergeSearchOutputs([partial({ incomplete: true }, [row('x.json', '1', 1)]), finished]).search_params.incomplete).toBe(true);
  });

  it('keeps a row once, and counts a file once, when outputs of different searches (one with --code) both hold it', () => {
    const all = partial({ searched_files: 1, matched_files: 1 }, [row('f1.json', '99213', 10), row('f1.json', '73721', 20)]);
    const coded = partial({ searched_files: 2, matched_files: 2, billing_codes: ['99213'] }, [row('f1.json', '99213', 10), row('f2.json', '99213', 30)]);
    const merged = mergeSearchOutputs([all, coded]);
    expect(merged.results.map((result) => `${result.source_file} ${result.billing_code}`)).toEqual(['f1.json 99213', 'f1.json 73721', 'f2.json 99213']);
    expect(merged.search_params).toMatchObject({ searched_files: 2, matched_files: 2 });
    expect(merged.search_params.billing_codes).toBeUndefined();
  });

  it('takes a shared file from the output where it did not fail', () => {
    const failed = partial({ searched_files: 1, matched_files: 0, incomplete: true }, [], [{ source_file: 'x.json', message: 'not JSON' }]);
    const succeeded = partial({ searched_files: 1, matched_files: 1 }, [row('x.json', '1', 1)]);
    for (const [documents, names] of [
      [[failed, succeeded], ['f1.json', 'f2.json']],
      [[succeeded, failed], ['f2.json', 'f1.json']],
    ] as const) {
      const merged = mergeSearchOutputs(documents, names);
      expect(merged.results.map((result) => result.source_file)).toEqual(['x.json']);
      expect(merged.errors).toEqual([]);
      expect(merged.search_params).toEqual({ npis: [1234567893], searched_files: 1, matched_files: 1, duration_seconds: 1 });
      expect(merged.warnings.map((warning) => warning.message)).toEqual(['searched in both f2.json and f1.json; the results of f2.json are kept']);
    }
  });

  it('keeps the rows of a file from outputs of different searches, and drops a code filter only one had', () => {
    const forA = partial({ npis: [1234567893], billing_codes: ['CPT:99213'] }, [row('x.json', '99213', 1)]);
    const forB = partial({ npis: [1111111112] }, [{ ...row('x.json', '99214', 2), npi: 1111111112 }]);
    const merged = mergeSearchOutputs([forA, forB]);
    expect(merged.results.map((result) => result.npi)).toEqual([1234567893, 1111111112]);
    // search_params now lists both NPIs, which no file was searched for: said once.
    expect(merged.warnings).toEqual([
      {
        source_file: '',
        message: 'these outputs are of different searches (NPIs, TINs or codes): each file was searched only for those of the output it comes from',
      },
    ]);
    expect(merged.search_params.billing_codes).toBeUndefined();
  });

  it('counts once, and warns once about, an incomplete file two searches for different NPIs read, one of them finding no row', () => {
    const incomplete = { source_file: 'x.json', message: 'provider_group_id 7: remote provider reference could not be fetched (HTTP 403); results for this file are incomplete' };
    const forA = { ...partial({ npis: [1234567893], incomplete: true }, [{ ...row('x.json', '99213', 90), from_incomplete_file: true }]), warnings: [incomplete] };
    const forB = { ...partial({ npis: [1111111112], matched_files: 0, incomplete: true }, []), warnings: [incomplete] };
    const merged = mergeSearchOutputs([forA, forB]);
    expect(merged.search_params).toMatchObject({ npis: [1234567893, 1111111112], searched_files: 1, matched_files: 1, incomplete: true });
    expect(merged.warnings.filter((warning) => warning.source_file === 'x.json')).toEqual([incomplete]);
  });

  it('unites the NPIs of parts that searched different NPIs and keeps an incomplete flag', () => {
    const merged = mergeSearchOutputs([
      partial({ npis: [1234567893] }, []),
      partial({ npis: [1234567893, 1111111112], incomplete: true }, []),
    ]);
    expect(merged.search_params.npis).toEqual([1234567893, 1111111112]);
    expect(merged.search_params.incomplete).toBe(true);
  });
});

describe('parseSearchOutput', () => {
  it('refuses a file without search_params and names the file and the missing field', () => {
    expect(() => parseSearchOutput('{"results": []}', 'task-3.json')).toThrowError(
      "'task-3.json' is not a search output document: 'search_params' is missing",
    );
  });

  it('refuses a file whose results are not a list', () => {
    const text = JSON.stringify({ search_params: { npis: [], searched_files: 1, matched_files: 0, duration_seconds: 1 }, results: {}, errors: [] });
    expect(() => parseSearchOutput(text, 'x.json')).toThrowError("'results' is missing or not a list");
  });

  it('refuses text that is not JSON with the usage exit code', () => {
    try {
      parseSearchOutput('https://example.com/a.json.gz\n', 'urls.txt');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(NpiRatesError);
      expect((error as NpiRatesError).code).toBe('NPI_RATES_NOT_SEARCH_OUTPUT');
      expect((error as NpiRatesError).exitCode).toBe(2);
      expect((error as NpiRatesError).message).toMatch(/^'urls.txt' is not a search output document: it is not JSON/);
    }
  });

  it('accepts a document without a warnings list as having no warnings', () => {
    const text = JSON.stringify({ search_params: { npis: [1], searched_files: 1, matched_files: 0, duration_seconds: 1 }, results: [], errors: [] });
    expect(parseSearchOutput(text, 'go-tool.json').warnings).toEqual([]);
  });
});

describe('npi-rates merge', () => {
  it('merges a folder of task results in natural order into one output file', async () => {
    const dir = await makeTemporaryDir('merge-test-');
    await mkdir(path.join(dir, 'results'));
    await writeFile(path.join(dir, 'results', 'task-10.json'), JSON.stringify(partial({}, [row('j.json', '10', 10)])));
    await writeFile(path.join(dir, 'results', 'task-2.json'), JSON.stringify(partial({}, [row('b.json', '2', 2)])));
    await writeFile(path.join(dir, 'results', 'notes.txt'), 'not a result');
    const output = path.join(dir, 'merged.json');
    const { io, stderr } = captureIo();
    const exitCode = await main(['node', 'npi-rates', 'merge', path.join(dir, 'results'), '-o', output], io);
    expect(exitCode).toBe(0);
    const merged = JSON.parse(await readFile(output, 'utf8')) as SearchOutput;
    expect(merged.results.map((result) => result.billing_code)).toEqual(['2', '10']);
    expect(merged.search_params.searched_files).toBe(2);
    expect(stderr()).toContain('merged 2 result files: 2 files searched, 2 matched, 2 rates');
  });

  it('reads a file named twice once', async () => {
    const dir = await makeTemporaryDir('merge-twice-');
    const input = path.join(dir, 'a.json');
    await writeFile(input, JSON.stringify(partial({}, [row('x.json', '1', 1)])));
    const output = path.join(dir, 'merged.json');
    const { io, stderr } = captureIo();
    expect(await main(['node', 'npi-rates', 'merge', input, input, '-o', output], io)).toBe(0);
    const merged = JSON.parse(await readFile(output, 'utf8')) as SearchOutput;
    expect(merged.results).toHaveLength(1);
    expect(stderr()).toContain('merged 1 result files: 1 files searched, 1 matched, 1 rates');
  });

  it('exits 2 and names the file when one input is not a search output', async () => {
    const dir = await makeTemporaryDir('merge-test-');
    const good = path.join(dir, 'good.json');
    const bad = path.join(dir, 'bad.json');
    await writeFile(good, JSON.stringify(partial({}, [])));
    await writeFile(bad, JSON.stringify({ search_params: { npis: [] }, results: [], errors: [] }));
    const { io, stderr } = captureIo();
    const exitCode = await main(['node', 'npi-rates', 'merge', good, bad, '-o', '-'], io);
    expect(exitCode).toBe(2);
    expect(stderr()).toContain(`'${bad}' is not a search output document: 'search_params.searched_files' is missing or not a number`);
  });

  it('refuses a compressed output name (exit 2), as search does', async () => {
    const capture = captureIo();
    expect(await main(['node', 'npi-rates', 'merge', 'a.json', '-o', 'merged.csv.gz'], capture.io)).toBe(2);
    expect(capture.stderr()).toContain('error: -o merged.csv.gz: npi-rates writes its output uncompressed, so that name would not match what is in it');
  });

  it('writes CSV when the output path ends in .csv, as search does', async () => {
    const dir = await makeTemporaryDir('merge-test-');
    const file = path.join(dir, 'one.json');
    await writeFile(file, JSON.stringify(partial({}, [row('a.json', '99213', 80)])));
    const output = path.join(dir, 'merged.csv');
    const { io } = captureIo();
    expect(await main(['node', 'npi-rates', 'merge', file, '-o', output], io)).toBe(0);
    const lines = (await readFile(output, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('99213');
  });

  it('exits 1 when the merged result is incomplete although no file failed outright', async () => {
    const dir = await makeTemporaryDir('merge-test-');
    const file = path.join(dir, 'incomplete.json');
    const document = { ...partial({ incomplete: true }, [{ ...row('x.json', '99213', 90), from_incomplete_file: true }]) };
    document.warnings = [{ source_file: 'x.json', message: 'provider_group_id 7 could not be fetched; results for this file are incomplete' }];
    await writeFile(file, JSON.stringify(document));
    const { io, stdout, stderr } = captureIo();
    const exitCode = await main(['node', 'npi-rates', 'merge', file, '-o', '-'], io);
    expect(exitCode).toBe(1);
    expect((JSON.parse(stdout()) as SearchOutput).search_params.incomplete).toBe(true);
    expect(stderr()).toContain('incomplete: x.json: provider_group_id 7 could not be fetched; results for this file are incomplete');
  });

  it('writes to standard output with -o - and exits 1 when a merged part lists failed files', async () => {
    const dir = await makeTemporaryDir('merge-test-');
    const file = path.join(dir, 'one.json');
    await writeFile(file, JSON.stringify(partial({}, [], [{ source_file: 'x.json.gz', message: 'HTTP 403' }])));
    const { io, stdout } = captureIo();
    const exitCode = await main(['node', 'npi-rates', 'merge', file, '-o', '-'], io);
    expect(exitCode).toBe(1);
    expect((JSON.parse(stdout()) as SearchOutput).errors).toEqual([{ source_file: 'x.json.gz', message: 'HTTP 403' }]);
  });
});
