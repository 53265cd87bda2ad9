import { chmodSync, createReadStream, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchOutput } from '../../src/search/rate-row.js';
import { startFlakyServer, type FlakyServer } from '../helpers/flaky-http-server.js';
import { makeZip } from '../helpers/gzip-fixtures.js';
import { runCli } from '../helpers/run-cli.js';
import { hasSharedDir, sharedDir, sharedSkipReason } from '../helpers/shared-dir.js';

/**
 * The whole product, as a user runs it: the built CLI in a child process (worker threads
 * included) reading gzipped files from a real HTTP server on 127.0.0.1.
 */
const cmsDir = resolve(sharedDir, 'fixtures', 'cms');
const casesDir = resolve(sharedDir, 'cases');
const workDir = mkdtempSync(join(tmpdir(), 'npi-rates-e2e-'));
let server: FlakyServer;

/** Case files name hosts under .test; they are served from the local server under /<host>/. */
function localise(text: string): string {
  return text.replace(/https:\/\/([a-z0-9.-]+\.test)\//g, (_match, host: string) => `${server.origin}/${host}/`);
}

function readOutput(path: string): SearchOutput {
  return JSON.parse(readFileSync(path, 'utf8')) as SearchOutput;
}

function countBySource(output: SearchOutput): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of output.results) {
    const name = row.source_file.slice(row.source_file.lastIndexOf('/') + 1);
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

beforeAll(async () => {
  server = await startFlakyServer();
});

afterAll(async () => {
  await server.close();
});

describe.skipIf(!hasSharedDir)(`search over HTTP on the CMS examples (${sharedSkipReason} when skipped)`, () => {
  it('finds the hand-counted rows in every CMS in-network example served gzipped', async () => {
    const files = [
      'v1.6/in-network-rates-bundle-single-plan-sample.json',
      'v1.6/in-network-rates-capitation-single-plan-sample.json',
      'v1.6/in-network-rates-fee-for-service-single-plan-sample.json',
      'v1.6/in-network-rates-multiple-plans-sample.json',
      'v1.6/in-network-rates-no-npi.json',
      'v2.1/in-network-rates-all-negotiated-types-sample.json',
      'v2.1/in-network-rates-bundle-single-plan-sample.json',
      'v2.1/in-network-rates-capitation-single-plan-sample.json',
      'v2.1/in-network-rates-fee-for-service-single-plan-sample.json',
      'v2.1/in-network-rates-multiple-plans-sample.json',
      'v2.1/in-network-rates-no-npi.json',
    ];
    const urls = files.map((file) => {
      const path = `/cms/${file.replace('/', '-')}.gz`;
      server.serve(path, { body: gzipSync(readFileSync(resolve(cmsDir, file))), contentType: 'application/octet-stream' });
      return server.url(path);
    });
    const urlsFile = join(workDir, 'cms-urls.txt');
    writeFileSync(urlsFile, `# CMS examples\r\n${urls.join('\r\n')}\r\n\r\n`);
    const output = join(workDir, 'cms.json');
    const run = await runCli(['search', '--npi', '1111111111', '--urls-file', urlsFile, '-o', output, '--no-progress', '--no-lookup']);
    expect(run.stderr).toContain('searched 11 file(s), 9 matched, 47 rates found');
    // The v1.6 fee-for-service sample's remote group cannot be fetched: incomplete, exit code 1.
    expect(run.stderr).toContain('; 1 incomplete;');
    expect(run.code).toBe(1);
    const result = readOutput(output);
    expect(result.search_params).toMatchObject({ npis: [1111111111], searched_files: 11, matched_files: 9 });
    expect(countBySource(result)).toEqual({
      'v1.6-in-network-rates-bundle-single-plan-sample.json.gz': 2,
      'v1.6-in-network-rates-capitation-single-plan-sample.json.gz': 2,
      'v1.6-in-network-rates-fee-for-service-single-plan-sample.json.gz': 6,
      'v1.6-in-network-rates-multiple-plans-sample.json.gz': 6,
      'v2.1-in-network-rates-bundle-single-plan-sample.json.gz': 4,
      'v2.1-in-network-rates-capitation-single-plan-sample.json.gz': 4,
      'v2.1-in-network-rates-fee-for-service-single-plan-sample.json.gz': 10,
      'v2.1-in-network-rates-multiple-plans-sample.json.gz': 12,
      'v2.1-in-network-rates-no-npi.json.gz': 1,
    });
    const v21 = result.results.find((row) => row.source_file.endsWith('v2.1-in-network-rates-no-npi.json.gz'));
    expect(v21).toMatchObject({ reporting_entity_name: 'medicare', last_updated_on: '2020-08-27', negotiated_rate: 123.45 });
    // The v1.6 fee-for-service sample points group 2 at www.cms.gov, which cannot be reached here.
    expect(result.warnings.map((warning) => warning.message).join('\n')).toContain(
      'provider_group_id 2: remote provider reference could not be fetched',
    );
  });

  it('resolves a remote location served locally, fetching it once for two files, and re-scans in_network-first files', async () => {
    server.serve('/refs/provider-reference.json', { body: readFileSync(resolve(cmsDir, 'v1.6/provider-reference.json')) });
    const ffs = JSON.parse(readFileSync(resolve(cmsDir, 'v1.6/in-network-rates-fee-for-service-single-plan-sample.json'), 'utf8'));
    ffs.provider_references[1].location = server.url('/refs/provider-reference.json');
    // A rate that references the remote group 2, so its NPIs must be known to be found.
    ffs.in_network[0].negotiated_rates.push({
      provider_references: [2],
      negotiated_prices: [{ negotiated_type: 'negotiated', negotiated_rate: 77.7, expiration_date: '2022-01-01', billing_class: 'professional' }],
    });
    const { in_network, provider_references, ...top } = ffs;
    const referencesFirst = { ...top, provider_references, in_network };
    const inNetworkFirst = { ...top, in_network, provider_references };
    server.serve('/local/ffs-refs-first.json.gz', { body: gzipSync(JSON.stringify(referencesFirst)) });
    server.serve('/local/ffs-in-network-first.json.gz', { body: gzipSync(JSON.stringify(inNetworkFirst)) });
    const output = join(workDir, 'remote.json');
    const run = await runCli([
      'search', '--npi', '2222222222', '--url', server.url('/local/ffs-refs-first.json.gz'),
      '--url', server.url('/local/ffs-in-network-first.json.gz'), '-o', output, '--no-progress', '--no-lookup',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `${server.url('/local/ffs-in-network-first.json.gz')}: in_network comes before provider_references; re-scanning in_network from a temporary copy of the compressed file`,
    );
    const result = readOutput(output);
    // 4 inline rows (27447) + 2 referenced rows (27448) + the remote group's 77.7 row, in each file.
    expect(countBySource(result)).toEqual({ 'ffs-refs-first.json.gz': 7, 'ffs-in-network-first.json.gz': 7 });
    const remoteRows = result.results.filter((row) => row.negotiated_rate === 77.7);
    expect(remoteRows.map((row) => row.tin.value)).toEqual(['22-2222222', '22-2222222']);
    expect(server.requests.filter((request) => request.path === '/refs/provider-reference.json')).toHaveLength(1);

    // A local copy is read again for the second pass, not copied to a temporary file.
    const localPath = join(workDir, 'ffs-in-network-first.json.gz');
    writeFileSync(localPath, gzipSync(JSON.stringify(inNetworkFirst)));
    const localOutput = join(workDir, 'local.json');
    const local = await runCli(['search', '--npi', '2222222222', '--url', localPath, '-o', localOutput, '--no-progress', '--no-lookup']);
    expect(local.code).toBe(0);
    expect(local.stderr).toContain(`${localPath}: in_network comes before provider_references; re-scanning in_network from the file again`);
    expect(countBySource(readOutput(localOutput))).toEqual({ 'ffs-in-network-first.json.gz': 7 });
  });
});

describe.skipIf(!hasSharedDir)(`real-world bug cases over HTTP (${sharedSkipReason} when skipped)`, () => {
  async function searchCase(args: string[], name: string): Promise<{ code: number | null; stderr: string; output: SearchOutput }> {
    const output = join(workDir, `${name}.json`);
    const run = await runCli(['search', ...args, '-o', output, '--no-progress', '--no-lookup', '--retries', '1']);
    return { code: run.code, stderr: run.stderr, output: readOutput(output) };
  }

  it('BUG-11: reads the .json member of a ZIP served as application/x-zip-compressed', async () => {
    const zip = makeZip([
      { name: '2024-05-01_example_in-network-rates.json', data: readFileSync(resolve(casesDir, 'BUG-11.json')) },
      { name: 'README.txt', data: Buffer.from('not json') },
    ]);
    server.serve('/blob.example.test/mrf/rates.zip', { body: zip, contentType: 'application/x-zip-compressed' });
    const { code, output } = await searchCase(['--npi', '1000000012', '--url', `${server.url('/blob.example.test/mrf/rates.zip')}?sv=2023&sig=xyz`], 'bug11');
    expect(code).toBe(0);
    expect(output.results.map((row) => [row.billing_code, row.tin.value, row.negotiated_rate])).toEqual([['99203', '11-1000001', 142]]);
  });

  it('BUG-12: follows a redirect to an octet-stream without extension and detects gzip by its bytes', async () => {
    server.serve('/cdn.example.test/obj/9f2c', {
      body: gzipSync(readFileSync(resolve(casesDir, 'BUG-12.json'))),
      contentType: 'application/octet-stream',
    });
    server.redirect('/files.example.test/download', server.url('/cdn.example.test/obj/9f2c?X-Amz-Signature=deadbeef'), 302);
    const { code, output } = await searchCase(['--npi', '1000000012', '--url', `${server.url('/files.example.test/download')}?id=42`], 'bug12');
    expect(code).toBe(0);
    expect(output.results.map((row) => [row.billing_code, row.negotiated_rate])).toEqual([['99204', 201]]);
  });

  it('BUG-13: handles Content-Encoding: gzip on a .json.gz and a file gzipped twice', async () => {
    const json = readFileSync(resolve(casesDir, 'BUG-13.json'));
    server.serve('/bucket.example.test/rates.json.gz', {
      body: gzipSync(json),
      contentType: 'application/gzip',
      headers: { 'content-encoding': 'gzip' },
    });
    server.serve('/bucket.example.test/rates2.json.gz', { body: gzipSync(gzipSync(json)), contentType: 'application/octet-stream' });
    const { code, output } = await searchCase(
      ['--npi', '1000000012', '--url', server.url('/bucket.example.test/rates.json.gz'), '--url', server.url('/bucket.example.test/rates2.json.gz')],
      'bug13',
    );
    expect(code).toBe(0);
    expect(output.results.map((row) => [row.billing_code, row.negotiated_rate])).toEqual([
      ['99205', 263],
      ['99205', 263],
    ]);
  });

  it('BUG-17: a truncated download is an error with its offset, its rows are flagged, the exit code is 1', async () => {
    const gzipped = gzipSync(readFileSync(resolve(casesDir, 'BUG-17.json')));
    // The server ends the gzip stream without its trailer and closes, as a reset connection does.
    server.serve('/cut/rates.json.gz', { body: gzipped.subarray(0, gzipped.length - 8), acceptRanges: false });
    const good = readFileSync(resolve(casesDir, 'BUG-12.json'));
    server.serve('/cut/good.json.gz', { body: gzipSync(good) });
    const { code, output } = await searchCase(
      ['--npi', '1000000012', '--url', server.url('/cut/rates.json.gz'), '--url', server.url('/cut/good.json.gz')],
      'bug17',
    );
    expect(code).toBe(1);
    expect(output.errors).toHaveLength(1);
    expect(output.errors[0].source_file).toBe(server.url('/cut/rates.json.gz'));
    expect(output.errors[0].message).toMatch(/unexpected end of input while reading in_network|gzip/);
    expect(output.search_params.incomplete).toBe(true);
    const flagged = output.results.filter((row) => row.from_incomplete_file).map((row) => [row.billing_code, row.negotiated_rate]);
    expect(flagged).toEqual([['99213', 88.5]]);
    expect(output.results.filter((row) => !row.from_incomplete_file).map((row) => row.billing_code)).toEqual(['99204']);
  });

  it('BUG-09 and BUG-10: remote references over HTTP, fetched once per URL; failures are warnings and mark the run incomplete', async () => {
    server.serve('/mrf.example.test/prov/shared-1.json', { body: readFileSync(resolve(casesDir, 'BUG-10.remote-shared-1.json')) });
    server.serve('/mrf.example.test/prov/shared-2.json', { body: readFileSync(resolve(casesDir, 'BUG-10.remote-shared-2.json')) });
    server.serve('/d1example.cloudfront.test/prov_ref/7.json', {
      body: new Uint8Array(0),
      faults: [{ kind: 'status', status: 403, body: '<Error><Code>InvalidKey</Code><Message>Unknown Key</Message></Error>' }],
    });
    server.serve('/cases/bug10.json', { body: Buffer.from(localise(readFileSync(resolve(casesDir, 'BUG-10.json'), 'utf8'))) });
    server.serve('/cases/bug09.json', { body: Buffer.from(localise(readFileSync(resolve(casesDir, 'BUG-09.json'), 'utf8'))) });
    const { code, output } = await searchCase(
      ['--npi', '1000000012,1000000020', '--url', server.url('/cases/bug10.json'), '--url', server.url('/cases/bug09.json')],
      'bug09-10',
    );
    expect(code).toBe(1);
    expect(output.results.map((row) => `${row.npi} ${row.negotiated_rate}`).sort()).toEqual([
      '1000000012 50',
      '1000000012 55',
      '1000000012 90',
      '1000000020 60',
    ]);
    const warnings = output.warnings.map((warning) => warning.message);
    expect(warnings).toContain("provider_group_id 24: unsupported location scheme 'sftp'; results for this file are incomplete");
    expect(warnings.find((message) => message.startsWith('provider_group_id 7:'))).toMatch(
      /remote provider reference could not be fetched \(HTTP 403 for .*, body <Error><Code>InvalidKey<\/Code>/,
    );
    expect(output.search_params.incomplete).toBe(true);
    expect(server.requests.filter((request) => request.path === '/mrf.example.test/prov/shared-1.json')).toHaveLength(1);
  });

  it('BUG-30: an expired signed link from a table of contents fails with a hint and no retries, and is not logged with its signature', async () => {
    server.serve('/d1example.cloudfront.test/mrf/2023-11_ppo.json.gz', {
      body: new Uint8Array(0),
      faults: [{ kind: 'status', status: 403, body: '<Error><Code>AccessDenied</Code></Error>' }],
    });
    server.serve('/toc/bug30.json', { body: Buffer.from(localise(readFileSync(resolve(casesDir, 'BUG-30.json'), 'utf8'))) });
    const { code, stderr, output } = await searchCase(
      ['--npi', '1000000012', '--toc-url', server.url('/toc/bug30.json'), '--plan-id', '111000009'],
      'bug30',
    );
    expect(code).toBe(1);
    const fileUrl = server.url('/d1example.cloudfront.test/mrf/2023-11_ppo.json.gz');
    expect(output.errors[0].message).toBe(
      `HTTP 403 for ${fileUrl}: signed URL expired (Expires=1700000000, 2023-11-14T22:13:20Z); re-fetch the table of contents for fresh links`,
    );
    expect(stderr).toContain(`warning: the signed URL ${fileUrl} expired at 2023-11-14T22:13:20.000Z`);
    expect(stderr).not.toContain('Signature=abc');
    expect(JSON.stringify(output)).not.toContain('Signature=abc');
    expect(server.requests.filter((request) => request.path === '/d1example.cloudfront.test/mrf/2023-11_ppo.json.gz')).toHaveLength(1);
  });
});

describe('search: bad input and arguments', () => {
  const sample = resolve('samples', 'in-network-sample.json.gz');

  it('keeps a file complete, with a warning, when the server promised more bytes than the whole document and cannot resume', async () => {
    const body = readFileSync(sample);
    // Content-Length 1,000 bytes too long, no Range support, no validators: every request gets the file and a close.
    const liar = createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => {
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length + 1000}\r\nConnection: close\r\n\r\n`);
        socket.end(body);
      });
    });
    await new Promise<void>((done) => liar.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(liar.address() as AddressInfo).port}/in-network-sample.json.gz`;
    try {
      const output = join(workDir, 'long-length.json');
      const run = await runCli(['search', '--npi', '1234567893', '--url', url, '-o', output, '--no-progress', '--no-lookup', '--retries', '1']);
      expect(run.code, run.stderr).toBe(0);
      const document = JSON.parse(readFileSync(output, 'utf8')) as SearchOutput;
      expect(document.results.map((row) => row.negotiated_rate)).toHaveLength(3);
      expect(document.results.some((row) => row.from_incomplete_file)).toBe(false);
      expect(document.errors).toEqual([]);
      expect(document.warnings.map((warning) => warning.message)).toEqual([
        expect.stringMatching(/^the whole JSON document arrived, then the transfer failed \(.*the server ignored Range.*\); no rate is missing, but the server did not answer as it announced$/),
      ]);
    } finally {
      liar.close();
    }
  });

  it('keeps the other files\' results when one answers an HTML page with 200', async () => {
    server.serve('/bad/page.json.gz', { body: Buffer.from('<!DOCTYPE html><html><body>Service unavailable</body></html>'), contentType: 'text/html' });
    const output = join(workDir, 'html.json');
    const run = await runCli(['search', '--npi', '1234567893', '--url', server.url('/bad/page.json.gz'), '--url', sample, '-o', output, '--no-progress', '--no-lookup']);
    expect(run.code).toBe(1);
    const result = readOutput(output);
    expect(result.results).toHaveLength(3);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].source_file).toBe(server.url('/bad/page.json.gz'));
    expect(result.errors[0].message).toContain('HTML');
  });

  it('names the byte offset of a JSON syntax error and still writes the good file', async () => {
    const broken = join(workDir, 'broken.json');
    writeFileSync(broken, '{"provider_references": [], "in_network": [{"billing_code": "1",, "x": 2}]}');
    const output = join(workDir, 'syntax.json');
    const run = await runCli(['search', '--npi', '1234567893', '--url', broken, '--url', sample, '-o', output, '--no-progress', '--no-lookup']);
    expect(run.code).toBe(1);
    const result = readOutput(output);
    expect(result.errors[0].message).toContain(`${broken}: expected a key after ',' but found ',' at byte 64 (decompressed) in in_network[0]`);
    expect(result.results).toHaveLength(3);
  });

  it('refuses an NPI that is not 10 digits, naming it, with exit code 2', async () => {
    const run = await runCli(['search', '--npi', '1234567893,12345', '--url', sample, '-o', '-']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error: --npi "12345" is not an NPI: an NPI is exactly 10 digits');
    expect(run.stdout).toBe('');
  });

  it('says that --resume has nothing to resume when the output is standard output, and searches', async () => {
    const run = await runCli(['search', '--npi', '1234567893', '--url', sample, '-o', '-', '--resume', '--no-progress', '--no-lookup']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('warning: --resume has nothing to resume with -o - (a search to standard output keeps no journal between runs)');
    expect((JSON.parse(run.stdout) as SearchOutput).results).toHaveLength(3);
  });

  it('refuses a compressed output name, since the output is written uncompressed', async () => {
    const run = await runCli(['search', '--npi', '1234567893', '--url', sample, '-o', join(workDir, 'rates.csv.gz')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `error: -o ${join(workDir, 'rates.csv.gz')}: npi-rates writes its output uncompressed, so that name would not match what is in it ` +
        `(write -o ${join(workDir, 'rates.csv')}, then compress it (gzip ${join(workDir, 'rates.csv')}))`,
    );
    expect(existsSync(join(workDir, 'rates.csv.gz'))).toBe(false);
  });

  it('refuses an output that is also a file to search', async () => {
    const input = join(workDir, 'input-and-output.json');
    writeFileSync(input, '{"in_network": []}');
    const run = await runCli(['search', '--npi', '1234567893', '--url', `file://${input}`, '-o', input, '--no-progress', '--no-lookup']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`error: -o ${input} is also a file to search: the output would replace it (choose another -o)`);
    expect(readFileSync(input, 'utf8')).toBe('{"in_network": []}');
  });

  it('refuses an output that is the --urls-file, the --toc-url index or the --codes-file, under any spelling', async () => {
    const urlsFile = join(workDir, 'own-urls.txt');
    writeFileSync(urlsFile, `${sample}\n`);
    const index = join(workDir, 'own-index.json');
    const indexText = JSON.stringify({ reporting_structure: [{ in_network_files: [{ location: sample }] }] });
    writeFileSync(index, indexText);
    const codesFile = join(workDir, 'own-codes.txt');
    writeFileSync(codesFile, 'CPT:99213\n');
    const linkToUrls = join(workDir, 'link-to-own-urls.txt');
    symlinkSync(urlsFile, linkToUrls);
    const cases = [
      { args: ['--urls-file', urlsFile, '-o', urlsFile], message: `-o ${urlsFile} is also the --urls-file` },
      // Another spelling of the same path: compared as files, not as text.
      { args: ['--urls-file', linkToUrls, '-o', join(workDir, '.', 'own-urls.txt')], message: `is also the --urls-file` },
      { args: ['--toc-url', index, '-o', index], message: `-o ${index} is also the --toc-url index` },
      { args: ['--url', sample, '--codes-file', codesFile, '-o', codesFile], message: `-o ${codesFile} is also the --codes-file` },
    ];
    for (const { args, message } of cases) {
      const run = await runCli(['search', '--npi', '1234567893', ...args, '--format', 'json', '--no-progress', '--no-lookup']);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(`${message}: the output would replace it (choose another -o)`);
    }
    expect(readFileSync(urlsFile, 'utf8')).toBe(`${sample}\n`);
    expect(readFileSync(index, 'utf8')).toBe(indexText);
    expect(readFileSync(codesFile, 'utf8')).toBe('CPT:99213\n');
  });

  it('warns when --format disagrees with the output name, and says what to do about an unreadable --codes-file', async () => {
    const output = join(workDir, 'named-csv.csv');
    const run = await runCli(['search', '--npi', '1234567893', '--url', sample, '-o', output, '--format', 'json', '--no-progress', '--no-lookup']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`warning: writing JSON (--format json) into ${output}, whose name says CSV`);
    expect((JSON.parse(readFileSync(output, 'utf8')) as SearchOutput).results).toHaveLength(3);
    const missing = join(workDir, 'no-such-codes.txt');
    const refused = await runCli(['search', '--npi', '1234567893', '--url', sample, '--codes-file', missing, '-o', join(workDir, 'unused.json')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`cannot read --codes-file ${missing}: ENOENT`);
    expect(refused.stderr).toContain('(check the path; the file lists one code a line, such as CPT:99213)');
  });

  it('says that AWS credentials are missing for an s3:// file, with what to do', async () => {
    const noCredentials = {
      AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SESSION_TOKEN: '', AWS_PROFILE: 'npi-rates-test-no-such-profile',
      AWS_CONFIG_FILE: join(workDir, 'no-config'), AWS_SHARED_CREDENTIALS_FILE: join(workDir, 'no-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true', AWS_ENDPOINT_URL: '', AWS_REGION: 'us-east-1',
    };
    const run = await runCli(['search', '--npi', '1234567893', '--url', 's3://npi-rates-test-bucket/rates.json.gz', '-o', '-', '--no-progress', '--no-lookup', '--retries', '0'], { env: noCredentials });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('s3://npi-rates-test-bucket/rates.json.gz: AWS credentials are missing or not valid (');
    expect(run.stderr).toContain('set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws sso login`');
  });

  it('refuses NPI 0, the TIN-only placeholder', async () => {
    const run = await runCli(['search', '--npi', '0000000000', '--url', sample, '-o', '-']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--npi "0000000000" is not an NPI');
  });

  it('refuses an unwritable output before any download starts', async () => {
    const readOnly = join(workDir, 'read-only');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o500);
    const before = server.requests.length;
    const run = await runCli(['search', '--npi', '1234567893', '--url', server.url('/cut/good.json.gz'), '-o', join(readOnly, 'out.json'), '--no-lookup']);
    // root may write anywhere; then the run simply succeeds, which the assertion allows.
    if (run.code === 2) {
      expect(run.stderr).toContain('cannot write the output');
      expect(server.requests.length).toBe(before);
    } else {
      expect(process.getuid?.()).toBe(0);
    }
  });

  it('--resume skips files that an earlier run finished and keeps their rows', async () => {
    const output = join(workDir, 'resume.json');
    server.serve('/resume/bad.json', { body: Buffer.from('{"in_network": [') });
    const first = await runCli(['search', '--npi', '1234567893', '--url', sample, '--url', server.url('/resume/bad.json'), '-o', output, '--no-progress', '--no-lookup']);
    expect(first.code).toBe(1);
    expect(existsSync(`${output}.journal.ndjson`)).toBe(true);
    server.serve('/resume/bad.json', { body: Buffer.from('{"in_network": []}') });
    const second = await runCli(['search', '--npi', '1234567893', '--url', sample, '--url', server.url('/resume/bad.json'), '-o', output, '--no-progress', '--no-lookup', '--resume']);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('resumed: 1 file(s) already searched by an earlier run were skipped');
    expect(second.stderr).not.toContain(`searching ${sample}`);
    const result = readOutput(output);
    expect(result.results).toHaveLength(3);
    expect(result.errors).toEqual([]);
    expect(existsSync(`${output}.journal.ndjson`)).toBe(false);
  });

  it('--resume searches a local file again when it changed since the earlier run', async () => {
    const output = join(workDir, 'resume-changed.json');
    const local = join(workDir, 'changing.json');
    const document = (rate: number) =>
      JSON.stringify({
        provider_references: [{ provider_group_id: 1, provider_groups: [{ npi: [1234567893], tin: { type: 'ein', value: '11-1000001' } }] }],
        in_network: [{ billing_code: '1', negotiated_rates: [{ provider_references: [1], negotiated_prices: [{ negotiated_type: 'negotiated', negotiated_rate: rate }] }] }],
      });
    writeFileSync(local, document(24.1));
    server.serve('/resume-changed/bad.json', { body: Buffer.from('{"in_network": [') });
    const args = ['search', '--npi', '1234567893', '--url', local, '--url', server.url('/resume-changed/bad.json'), '-o', output, '--no-progress', '--no-lookup'];
    expect((await runCli(args)).code).toBe(1);
    writeFileSync(local, document(199.9));
    server.serve('/resume-changed/bad.json', { body: Buffer.from('{"in_network": []}') });
    const second = await runCli([...args, '--resume']);
    expect(second.code).toBe(0);
    expect(readOutput(output).results.map((row) => row.negotiated_rate)).toEqual([199.9]);
  });

  it('--resume with another list of files drops the journal files no longer in it, with their rows', async () => {
    const output = join(workDir, 'resume-other-list.json');
    server.serve('/resume-list/bad.json', { body: Buffer.from('{"in_network": [') });
    const first = await runCli(['search', '--npi', '1234567893', '--url', sample, '--url', server.url('/resume-list/bad.json'), '-o', output, '--no-progress', '--no-lookup']);
    expect(first.code).toBe(1);
    server.serve('/resume-list/good.json', { body: Buffer.from('{"in_network": []}') });
    const second = await runCli(['search', '--npi', '1234567893', '--url', server.url('/resume-list/good.json'), '-o', output, '--no-progress', '--no-lookup', '--resume']);
    expect(second.code).toBe(0);
    const result = readOutput(output);
    expect(result.results).toEqual([]);
    expect(result.search_params.searched_files).toBe(1);
  });

  it('fails a JSON document without in_network (a table of contents given to --url) with a hint', async () => {
    const toc = join(workDir, 'toc.json');
    writeFileSync(toc, '{"reporting_entity_name": "x", "reporting_structure": []}');
    // The journal of a search to standard output goes to the temporary folder; a failed file
    // keeps a file output's journal for --resume, but standard output cannot be resumed.
    const tempDir = join(workDir, 'temp-for-stdout');
    mkdirSync(tempDir);
    const run = await runCli(['search', '--npi', '1234567893', '--url', toc, '-o', '-', '--no-progress', '--no-lookup'], { env: { TMPDIR: tempDir } });
    expect(run.code).toBe(1);
    const output = JSON.parse(run.stdout) as SearchOutput;
    expect(output.errors[0].message).toBe(`${toc}: no in_network array in this JSON document, so it holds no negotiated rates (is it a table of contents (use --toc-url) or an allowed-amounts file?)`);
    expect(readdirSync(tempDir)).toEqual([]);
  });

  it('searches one file once however its location is spelled', async () => {
    const run = await runCli(
      ['search', '--npi', '1234567893', '--url', 'samples/in-network-sample.json.gz', '--url', './samples/in-network-sample.json.gz',
        '--url', `file://${sample}`, '--url', sample, '-o', '-', '--no-progress', '--no-lookup'],
    );
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as SearchOutput).search_params.searched_files).toBe(1);
  });

  it('--resume refuses a journal written for other NPIs', async () => {
    const output = join(workDir, 'mismatch.json');
    server.serve('/mismatch/bad.json', { body: Buffer.from('{"in_network": [') });
    await runCli(['search', '--npi', '1245319599', '--url', sample, '--url', server.url('/mismatch/bad.json'), '-o', output, '--no-progress', '--no-lookup']);
    const run = await runCli(['search', '--npi', '1234567893', '--url', sample, '-o', output, '--no-progress', '--no-lookup', '--resume']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('belongs to a different search (npi 1245319599; now npi 1234567893)');
  });

  it('writes through a symbolic link instead of replacing the link (as /dev/stdout is when standard output is a file)', async () => {
    const target = join(workDir, 'link-target.json');
    const link = join(workDir, 'link.json');
    writeFileSync(target, 'old');
    symlinkSync(target, link);
    const run = await runCli(['search', '--npi', '1234567893', '--url', sample, '-o', link, '--no-progress', '--no-lookup']);
    expect(run.code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect((JSON.parse(readFileSync(target, 'utf8')) as SearchOutput).results).toHaveLength(3);
    // A search writing the target makes the link busy too (this process stands for it).
    writeFileSync(`${target}.journal.ndjson.lock`, String(process.pid));
    const busy = await runCli(['search', '--npi', '1234567893', '--url', sample, '-o', link, '--no-progress', '--no-lookup']);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain(`error: another npi-rates search (process ${process.pid}) is writing the output ${target}`);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('refuses an output that another running search writes, and takes over the lock of one that is gone', async () => {
    const output = join(workDir, 'busy.json');
    // This test process stands for the other search: it is alive, and its id is in the lock.
    writeFileSync(`${output}.journal.ndjson.lock`, String(process.pid));
    const busy = await runCli(['search', '--npi', '1234567893', '--url', sample, '-o', output, '--no-progress', '--no-lookup']);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain(`error: another npi-rates search (process ${process.pid}) is writing the output ${output} (wait for it to finish, or choose another -o)`);
    // A process id above the kernel's limit (2^22) belongs to nobody: a search killed long ago.
    writeFileSync(`${output}.journal.ndjson.lock`, '4194305');
    const run = await runCli(['search', '--npi', '1234567893', '--url', sample, '-o', output, '--no-progress', '--no-lookup']);
    expect(run.code).toBe(0);
    expect(readOutput(output).results).toHaveLength(3);
    expect(existsSync(`${output}.journal.ndjson.lock`)).toBe(false);
  });

  it('writes into a named pipe in place instead of replacing it', async () => {
    const fifo = join(workDir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = new Promise<string>((resolveRead) => {
      let text = '';
      createReadStream(fifo).on('data', (chunk) => (text += chunk.toString())).on('end', () => resolveRead(text));
    });
    const run = await runCli(['search', '--npi', '1234567893', '--url', sample, '-o', fifo, '--no-progress', '--no-lookup']);
    expect(run.code).toBe(0);
    expect((JSON.parse(await reader) as SearchOutput).results).toHaveLength(3);
    expect(statSync(fifo).isFIFO()).toBe(true);
  });

  it('reports each kind of bad file with its own message while the good file\'s rows survive', async () => {
    const good = readFileSync(sample);
    const json = gunzipSync(good);
    const corrupt = Buffer.from(good);
    corrupt.fill(0x55, 40, 80); // inside the deflate data: a corrupt block
    server.serve('/bad/corrupt.json.gz', { body: corrupt });
    server.serve('/bad/unterminated.json', { body: Buffer.from('{"in_network": [{"billing_code": "99213}]}') });
    server.serve('/bad/gone.json.gz', { body: new Uint8Array(0), faults: [{ kind: 'status', status: 410 }] });
    // Accepted, not errors: a BOM before the JSON, and multi-member gzip (two members, one document).
    server.serve('/ok/bom.json', { body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json]) });
    server.serve('/ok/multi.json.gz', { body: Buffer.concat([gzipSync(json.subarray(0, 1000)), gzipSync(json.subarray(1000))]) });
    const run = await runCli([
      'search', '--npi', '1234567893', '--url', server.url('/bad/corrupt.json.gz'), '--url', server.url('/bad/unterminated.json'),
      '--url', server.url('/bad/gone.json.gz'), '--url', server.url('/ok/bom.json'), '--url', server.url('/ok/multi.json.gz'),
      '--url', sample, '-o', '-', '--no-progress', '--no-lookup', '--retries', '1',
    ]);
    expect(run.code).toBe(1);
    const output = JSON.parse(run.stdout) as SearchOutput;
    const messages = Object.fromEntries(output.errors.map((error) => [error.source_file.slice(error.source_file.lastIndexOf('/') + 1), error.message]));
    expect(Object.keys(messages).sort()).toEqual(['corrupt.json.gz', 'gone.json.gz', 'unterminated.json']);
    expect(messages['corrupt.json.gz']).toMatch(/gzip/i);
    expect(messages['unterminated.json']).toContain('unexpected end of input while reading in_network[0]');
    expect(messages['gone.json.gz']).toContain(`HTTP 410 for ${server.url('/bad/gone.json.gz')}`);
    expect(countBySource(output)).toEqual({ 'bom.json': 3, 'multi.json.gz': 3, 'in-network-sample.json.gz': 3 });
  });

  it('keeps every rate of a gzip file followed by junk, and warns with the junk\'s offset', async () => {
    const good = readFileSync(sample);
    server.serve('/junk/newline.json.gz', { body: Buffer.concat([good, Buffer.from('\n')]) });
    server.serve('/junk/page.json.gz', { body: Buffer.concat([good, Buffer.from('<html><body>502 Bad Gateway</body></html>')]) });
    const run = await runCli([
      'search', '--npi', '1234567893', '--url', server.url('/junk/newline.json.gz'), '--url', server.url('/junk/page.json.gz'),
      '-o', '-', '--no-progress', '--no-lookup',
    ]);
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as SearchOutput;
    expect(output.errors).toEqual([]);
    expect(countBySource(output)).toEqual({ 'newline.json.gz': 3, 'page.json.gz': 3 });
    const size = good.length.toLocaleString('en-US');
    expect(output.warnings.map((warning) => warning.message).sort()).toEqual([
      `${server.url('/junk/newline.json.gz')}: ignored 1 byte after the end of the gzip data (from compressed byte ${size}): not gzip (unexpected end of file); everything before them was read`,
      `${server.url('/junk/page.json.gz')}: ignored 41 bytes after the end of the gzip data (from compressed byte ${size}): not gzip (incorrect header check); everything before them was read`,
    ]);
  });
});

describe('relative remote locations', () => {
  it("resolves a relative provider group location against the file's own URL, or the folder of a local file, and refuses a local path in a published one", async () => {
    const group = (npi: number, tin: string) => ({ provider_groups: [{ npi: [npi], tin: { type: 'ein', value: tin } }] });
    server.serve('/payer/2026-12/refs/g1.json', { body: Buffer.from(JSON.stringify(group(1234567893, '11-1000001'))) });
    server.serve('/shared/g2.json.gz', { body: gzipSync(JSON.stringify(group(1234567893, '11-1000002'))) });
    const price = (rate: number) => ({ negotiated_type: 'negotiated', negotiated_rate: rate, expiration_date: '9999-12-31', billing_class: 'professional' });
    const document = {
      reporting_entity_name: 'Relative Health',
      provider_references: [
        { provider_group_id: 1, location: 'refs/g1.json' },
        { provider_group_id: 2, location: '/shared/g2.json.gz' },
      ],
      in_network: [
        {
          billing_code: '99213',
          negotiated_rates: [
            { provider_references: [1], negotiated_prices: [price(41)] },
            { provider_references: [2], negotiated_prices: [price(42)] },
          ],
        },
      ],
    };
    server.serve('/payer/2026-12/in-network.json.gz', { body: gzipSync(JSON.stringify(document)) });
    const output = join(workDir, 'relative.json');
    const run = await runCli([
      'search', '--npi', '1234567893', '--url', server.url('/payer/2026-12/in-network.json.gz'), '-o', output, '--no-progress', '--no-lookup',
    ]);
    expect(run.code).toBe(0);
    expect(readOutput(output).results.map((row) => `${row.tin.value} ${row.negotiated_rate}`).sort()).toEqual(['11-1000001 41', '11-1000002 42']);

    // A file on this machine: a relative location is a path beside it; '/shared/g2.json.gz' is an
    // absolute path here, which does not exist, so that group is unresolved and the file incomplete.
    const localDir = join(workDir, 'relative-local');
    mkdirSync(join(localDir, 'refs'), { recursive: true });
    writeFileSync(join(localDir, 'refs', 'g1.json'), JSON.stringify(group(1234567893, '11-1000001')));
    const localPath = join(localDir, 'in-network.json');
    writeFileSync(localPath, JSON.stringify(document));
    const localOutput = join(workDir, 'relative-local.json');
    const local = await runCli(['search', '--npi', '1234567893', '--url', localPath, '-o', localOutput, '--no-progress', '--no-lookup']);
    expect(local.code).toBe(1);
    const localResult = readOutput(localOutput);
    expect(localResult.results.map((row) => `${row.tin.value} ${row.negotiated_rate}`)).toEqual(['11-1000001 41']);
    expect(localResult.warnings.map((warning) => warning.message).join('\n')).toContain(
      'provider_group_id 2: remote provider reference could not be fetched (no such file: /shared/g2.json.gz); results for this file are incomplete',
    );

    // A published file may not make the tool read local files.
    const pointingHome = { ...document, provider_references: [{ provider_group_id: 1, location: `file://${join(localDir, 'refs', 'g1.json')}` }] };
    server.serve('/payer/2026-12/file-location.json', { body: Buffer.from(JSON.stringify(pointingHome)) });
    const homeOutput = join(workDir, 'file-location.json');
    const home = await runCli(['search', '--npi', '1234567893', '--url', server.url('/payer/2026-12/file-location.json'), '-o', homeOutput, '--no-progress', '--no-lookup']);
    expect(home.code).toBe(1);
    expect(readOutput(homeOutput).results).toEqual([]);
    expect(readOutput(homeOutput).warnings.map((warning) => warning.message)).toContain(
      `provider_group_id 1: location 'file://${join(localDir, 'refs', 'g1.json')}' is a local file, which only a file on this machine may point at; results for this file are incomplete`,
    );
  });
});
