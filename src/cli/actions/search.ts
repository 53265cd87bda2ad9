import { cpus, tmpdir } from 'node:os';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { access, constants, lstat, open, readFile, readlink, realpath, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { optionalCount } from '../count-option.js';
import { createSearchProgress } from '../search-progress.js';
import { keepYoungGenerationSmall } from '../young-generation.js';
import { parseNpiList } from '../../match/npi.js';
import { makeSearchTarget } from '../../match/search-target.js';
import type { SearchedNpisDescription } from '../../nppes/describe-searched-npis.js';
import { runSearch, uniqueLocations } from '../../search/run-search.js';
import { partialOutputPath, writeFinalOutput } from '../../search/final-output.js';
import { readUrlList } from '../../search/url-list.js';
import type { SearchMessage } from '../../search/rate-row.js';
import { checkLocationForm, signedUrlExpiry } from '../../sources/open-source.js';
import { MAX_CONNECTIONS } from '../../sources/source-options.js';
import { formatFromPath, parseOutputFormat, refuseCompressedName, type OutputFormat } from '../../writers/output-format.js';
import { EXIT_FILES_FAILED, EXIT_INTERRUPTED, EXIT_OK, NpiRatesError, usageError } from '../../shared/errors.js';
import { redactUrl, setKeepUrlQuery } from '../../shared/redact-url.js';
import { defaultResultsFileName, numberedName } from '../../merge/default-output-name.js';

/** What `npi-rates search` was given, as commander parses it (see commands/search.ts). */
export interface SearchFlags {
  npi: string[];
  tin: string[];
  code: string[];
  codesFile?: string;
  url: string[];
  urlsFile?: string;
  tocUrl?: string;
  planId?: string;
  planName?: string;
  market?: string;
  providerName?: string;
  state?: string;
  city?: string;
  taxonomy?: string;
  pick: string[];
  output?: string;
  format?: string;
  workers?: string;
  progress: boolean;
  resume?: boolean;
  connections?: string;
  retries?: string;
  stallTimeout?: string;
  userAgent?: string;
  keepUrlQuery?: boolean;
  lookup: boolean;
}

/** 128 + SIGTERM, as shells report a process ended by SIGTERM. */
const EXIT_TERMINATED = 143;

/** Options that only refine another one: given alone they would be ignored, and the search would not be the one asked for. */
function refuseOrphanOptions(flags: SearchFlags): void {
  const orphans: Array<[string, boolean, string]> = [
    ['--plan-id', flags.planId !== undefined, '--toc-url'],
    ['--plan-name', flags.planName !== undefined, '--toc-url'],
    ['--market', flags.market !== undefined, '--toc-url'],
    ['--pick', flags.pick.length > 0, '--provider-name'],
    ['--state', flags.state !== undefined, '--provider-name'],
    ['--city', flags.city !== undefined, '--provider-name'],
    ['--taxonomy', flags.taxonomy !== undefined, '--provider-name'],
  ];
  for (const [option, isGiven, needs] of orphans) {
    const hasNeeded = needs === '--toc-url' ? flags.tocUrl !== undefined : flags.providerName !== undefined;
    if (isGiven && !hasNeeded) {
      throw usageError('NPI_RATES_OPTION_NEEDS_ANOTHER', `${option} works only with ${needs}`, `add ${needs}, or leave ${option} out`);
    }
  }
}

/** Runs a search; returns the exit code. */
export async function searchCommand(flags: SearchFlags, io: CliIo): Promise<number> {
  const startedAt = Date.now();
  keepYoungGenerationSmall();
  setKeepUrlQuery(flags.keepUrlQuery === true);
  refuseOrphanOptions(flags);
  const { npis, warnings: npiWarnings } = parseNpiList(flags.npi);
  for (const warning of npiWarnings) io.err.write(`warning: ${warning}\n`);
  if (flags.providerName) {
    const { parsePickValues, resolveProviderName } = await import('../../nppes/resolve-provider-name.js');
    const chosen = await resolveProviderName(
      { name: flags.providerName, state: flags.state, city: flags.city, taxonomy: flags.taxonomy },
      {
        pick: flags.pick.length > 0 ? parsePickValues(flags.pick) : undefined,
        interactive: io.stdin.isTTY === true && io.err.isTTY === true,
        io,
      },
    );
    for (const npi of chosen) if (!npis.includes(npi)) npis.push(npi);
  }
  if (npis.length === 0 && flags.tin.length === 0) {
    throw usageError('NPI_RATES_NO_TARGET', 'nothing to search for', 'give --npi, --tin or --provider-name');
  }
  // "--code 27447,99214" as --npi takes lists: a code holds no comma.
  for (const given of flags.code) {
    // An empty --code (a script's unset variable) would otherwise turn the filter off unseen.
    if (given.split(',').every((code) => code.trim() === '')) {
      throw usageError('NPI_RATES_BAD_CODE', `--code ${JSON.stringify(given)} names no billing code`, 'give a code such as CPT:99213, or leave --code out to keep every code');
    }
  }
  const codes = [...flags.code, ...(flags.codesFile ? await readLines(flags.codesFile) : [])]
    .flatMap((code) => code.split(','))
    .map((code) => code.trim())
    .filter((code) => code !== '');
  const target = makeSearchTarget(npis, flags.tin, codes);
  const { outputPath, localOutput, isSpecialOutput, journalPath } = await chooseOutput(flags.output, flags.format);
  const format = chooseFormat(flags.format, outputPath);
  warnAboutFormatAndName(format, outputPath, io);
  if (outputPath.startsWith('s3://')) {
    const { checkS3OutputReachable } = await import('../../cloud/s3-results.js');
    await checkS3OutputReachable(outputPath);
  }
  if (flags.resume === true && outputPath === '-') {
    io.err.write(
      'warning: --resume has nothing to resume with -o - (a search to standard output keeps no journal ' +
        'between runs); searching every file. Give -o FILE to be able to resume.\n',
    );
  }
  const sourceOptions = {
    connections: optionalCount(flags.connections, '--connections', 1, MAX_CONNECTIONS),
    retries: optionalCount(flags.retries, '--retries', 0),
    stallTimeoutMs: flags.stallTimeout === undefined ? undefined : optionalCount(flags.stallTimeout, '--stall-timeout', 1)! * 1000,
    userAgent: flags.userAgent,
  };
  const { locations, skippedIndexEntries } = await collectLocations(flags, io, sourceOptions);
  await refuseOutputAmongInputs(localOutput, flags, locations);
  warnAboutExpiredLinks(locations, io);
  const registryHeader = flags.lookup && npis.length > 0 ? lookUpSearchedNpis(npis) : undefined;

  const progress = await createSearchProgress(io.err, flags.progress);
  const abort = new AbortController();
  // Ctrl-C, and the SIGTERM a Fargate Spot interruption sends, both keep what was found.
  let stopSignal: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    stopSignal = signal;
    io.err.write(`\n${signal === 'SIGINT' ? 'interrupted' : 'terminated'}: writing what was found so far...\n`);
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const workers = chooseWorkers(flags.workers, locations.length);
  let run;
  try {
    run = await runSearch({
      locations,
      target,
      workers,
      sourceOptions,
      journalPath,
      resume: flags.resume === true,
      searchDescription: describeSearch(npis, flags.tin, codes),
      // One file at a time needs no thread of its own: the main thread scans, saving a V8 heap.
      isolation: workers === 1 || import.meta.url.endsWith('.ts') ? 'in-process' : 'worker',
      events: progress,
      signal: abort.signal,
    });
  } catch (error) {
    // Standard output cannot be resumed: its journal is of no use once the search failed.
    if (outputPath === '-') {
      await rm(journalPath, { force: true });
      if (error instanceof NpiRatesError && error.code === 'NPI_RATES_WRITE_FAILED') {
        throw new NpiRatesError(error.code, error.message, {
          hint: `a search to standard output keeps its rows in the temporary folder (${tmpdir()}) until the end: free space there, set TMPDIR to another folder, or write to a file with -o`,
          cause: error,
        });
      }
    }
    throw error;
  } finally {
    progress.stop();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  // Ctrl-C while the output is written (to a slow reader, say): the half-written output goes;
  // a file output's journal stays for --resume, standard output's goes with it.
  const onSignalWhileWriting = (signal: NodeJS.Signals) => {
    if (outputPath === '-') rmSync(journalPath, { force: true });
    else if (!isSpecialOutput) rmSync(partialOutputPath(localOutput), { force: true });
    io.err.write(
      `\n${signal === 'SIGINT' ? 'interrupted' : 'terminated'} while writing the output` +
        `${outputPath === '-' ? '' : `; every row found is in ${journalPath}: run the same command with --resume to write it`}\n`,
    );
    process.exit(signal === 'SIGINT' ? EXIT_INTERRUPTED : EXIT_TERMINATED);
  };
  process.once('SIGINT', onSignalWhileWriting);
  process.once('SIGTERM', onSignalWhileWriting);
  if (run.resumedFiles.length > 0) {
    io.err.write(`resumed: ${run.resumedFiles.length} file(s) already searched by an earlier run were skipped\n`);
  }
  const summary = await writeFinalOutput({
    journalPath,
    files: run.files,
    outputPath: localOutput,
    writeInPlace: isSpecialOutput,
    format,
    stdout: io.out,
    params: {
      npis,
      ...(flags.tin.length > 0 ? { tins: flags.tin } : {}),
      ...(codes.length > 0 ? { billing_codes: codes } : {}),
      duration_seconds: Math.round((Date.now() - startedAt) / 100) / 10,
    },
    unfinishedErrors: run.unfinished,
    runErrors: skippedIndexEntries,
    runWarnings: npiWarnings.map((message) => ({ source_file: '', message })),
  })
    .catch(async (error: unknown) => {
      // Standard output cannot be resumed, so its journal is of no use to anyone (see below).
      if (outputPath === '-') await rm(journalPath, { force: true });
      throw outputWriteFailed(outputPath, journalPath, error);
    })
    .finally(() => {
      process.removeListener('SIGINT', onSignalWhileWriting);
      process.removeListener('SIGTERM', onSignalWhileWriting);
    });
  if (outputPath.startsWith('s3://')) {
    const { uploadFileToS3 } = await import('../../cloud/s3-results.js');
    await uploadFileToS3(localOutput, outputPath).catch((error: NpiRatesError) => {
      throw new NpiRatesError(error.code, `${error.message}; the results are in ${localOutput}`, {
        hint: `${error.hint ? `${error.hint}; then ` : ''}upload them with \`aws s3 cp ${localOutput} ${outputPath}\``,
        exitCode: error.exitCode,
        details: error.details,
        cause: error,
      });
    });
    await rm(localOutput, { force: true });
  }
  const hasProblems = summary.failedFiles > 0 || summary.incompleteFiles > 0 || run.unfinished.length > 0 || skippedIndexEntries.length > 0;
  // The journal is what --resume needs; once everything succeeded it has served its purpose. A
  // search to standard output cannot be resumed (see --resume), so its journal always goes.
  if (outputPath === '-' || (!hasProblems && !run.interrupted)) await rm(journalPath, { force: true });

  for (const failure of summary.problems) io.err.write(`${failure}\n`);
  if (registryHeader) {
    const description = await registryHeader;
    if (description.warning) io.err.write(`note: ${description.warning}\n`);
    for (const line of description.lines) io.err.write(`${line}\n`);
  }
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  const { notReached } = run;
  const interruptedIn = run.unfinished.length - notReached;
  io.err.write(
    `searched ${summary.searchedFiles} file(s), ${summary.matchedFiles} matched, ${summary.rows} rates found in ${seconds} s` +
      `${summary.failedFiles > 0 ? `; ${summary.failedFiles} failed` : ''}` +
      `${summary.incompleteFiles > 0 ? `; ${summary.incompleteFiles} incomplete` : ''}` +
      `${interruptedIn > 0 ? `; ${interruptedIn} interrupted (their rows so far are included)` : ''}` +
      `${notReached > 0 ? `; ${notReached} not reached` : ''}` +
      `${skippedIndexEntries.length > 0 ? `; ${skippedIndexEntries.length} index entr${skippedIndexEntries.length === 1 ? 'y' : 'ies'} could not be searched` : ''}` +
      `${outputPath === '-' ? '' : `; results in ${outputPath}`}\n`,
  );
  if (run.interrupted) return stopSignal === 'SIGTERM' ? EXIT_TERMINATED : EXIT_INTERRUPTED;
  return hasProblems ? EXIT_FILES_FAILED : EXIT_OK;
}

async function collectLocations(
  flags: SearchFlags,
  io: CliIo,
  sourceOptions: Record<string, unknown>,
): Promise<{ locations: string[]; skippedIndexEntries: SearchMessage[] }> {
  const locations = flags.url.map((url) => url.trim());
  // In-network files the index lists but no source can read: the search cannot be complete.
  const skippedIndexEntries: SearchMessage[] = [];
  if (flags.urlsFile) locations.push(...(await readUrlList(flags.urlsFile, io.stdin)));
  if (flags.tocUrl) {
    const { listInNetworkFiles, parseTocFilters } = await import('../../toc/index.js');
    const filters = parseTocFilters({ planId: flags.planId, planName: flags.planName, market: flags.market });
    const listing = await listInNetworkFiles(flags.tocUrl, filters, { ...sourceOptions, includePlans: false });
    for (const warning of listing.warnings) io.err.write(`warning: ${warning}\n`);
    io.err.write(`${redactUrl(flags.tocUrl)}: ${listing.files.length} in-network file(s) selected\n`);
    locations.push(...listing.files.map((file) => file.url));
    const source = redactUrl(flags.tocUrl);
    for (const [message, count] of countEach(listing.skippedFiles)) {
      skippedIndexEntries.push({ source_file: source, message: `in-network file not searched: ${message}${count > 1 ? ` (${count} entries)` : ''}` });
    }
  }
  const unique = uniqueLocations(locations.filter((location) => location !== ''));
  for (const location of unique) {
    checkLocationForm(location);
    await refuseFolder(location);
  }
  if (unique.length === 0) {
    throw flags.tocUrl
      ? usageError(
          'NPI_RATES_NO_FILES',
          `the table of contents ${redactUrl(flags.tocUrl)} lists no in-network file for these filters`,
          'check --plan-id, --plan-name and --market (npi-rates urls --toc-url ... --json shows the plans)',
        )
      : usageError('NPI_RATES_NO_FILES', 'no files to search', 'give --url, --urls-file or --toc-url');
  }
  return { locations: unique, skippedIndexEntries };
}

/** A local folder is not a file to search: say how to search the files in it. */
async function refuseFolder(location: string): Promise<void> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location) && !location.startsWith('file://')) return;
  const path = location.startsWith('file://') ? fileURLToPath(location) : location;
  const isFolder = await stat(path).then((stats) => stats.isDirectory(), () => false);
  if (isFolder) {
    throw usageError(
      'NPI_RATES_NOT_A_FILE',
      `${location} is a folder, not a file to search`,
      `give its files: --url '${join(path, '*.json.gz')}' without the quotes lets the shell list them, or put one path per line in a file for --urls-file`,
    );
  }
}

function countEach(messages: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of messages) counts.set(message, (counts.get(message) ?? 0) + 1);
  return counts;
}

/** The registry client (and undici with it) loads only when names are asked for, not with --no-lookup. */
async function lookUpSearchedNpis(npis: number[]): Promise<SearchedNpisDescription> {
  const { describeSearchedNpis } = await import('../../nppes/describe-searched-npis.js');
  return describeSearchedNpis(npis);
}

function warnAboutExpiredLinks(locations: string[], io: CliIo): void {
  for (const location of locations) {
    const expiry = signedUrlExpiry(location);
    if (expiry && expiry.getTime() < Date.now()) {
      io.err.write(
        `warning: the signed URL ${redactUrl(location)} expired at ${expiry.toISOString()}; ` +
          'it will likely answer 403: re-fetch the table of contents for fresh links\n',
      );
    }
  }
}

/**
 * Where the output, and the journal beside it, go. The journal is locked for this run: an -o that
 * another running search writes is refused, and the default name, which two runs started in the
 * same second share, moves on to `results_<time>-2.json`, as it does when that file exists.
 */
async function chooseOutput(
  written: string | undefined,
  formatFlag: string | undefined,
): Promise<{ outputPath: string; localOutput: string; isSpecialOutput: boolean; journalPath: string }> {
  const { lockJournal } = await import('../../search/journal-lock.js');
  // The default name follows --format (results_....csv with --format csv).
  const defaultName = defaultResultsFileName(new Date(), parseOutputFormat(formatFlag ?? '') ?? 'json');
  // An S3 bucket or folder (s3://bucket, s3://bucket/runs/) gets the default file name in it, as a
  // local folder would; an object key is needed to write at all.
  const flag = written !== undefined && /^s3:\/\/[^/]+(\/(.*\/)?)?$/.test(written) ? `${written.replace(/\/?$/, '/')}${defaultName}` : await throughSymlink(written);
  for (let attempt = 1; ; attempt++) {
    const outputPath = flag ?? numberedName(defaultName, attempt);
    // A default name never replaces the results of an earlier run (a quick search started in the same second).
    if (flag === undefined && attempt < 100 && (await pathExists(outputPath))) continue;
    const localOutput = outputPath.startsWith('s3://') ? join(tmpdir(), `npi-rates-${process.pid}-output`) : outputPath;
    const isSpecialOutput = localOutput !== '-' && (await checkWritable(localOutput)) === 'special';
    const journalPath = await journalPathFor(outputPath, localOutput, isSpecialOutput);
    // Locked before the journal is probed: the probe of a journal another run is writing must not
    // remove it.
    let lock: ReturnType<typeof lockJournal>;
    try {
      lock = lockJournal(journalPath);
    } catch (error) {
      throw journalUnwritable(outputPath, journalPath, error);
    }
    if (lock === undefined) {
      await probeJournal(outputPath, journalPath);
      return { outputPath, localOutput, isSpecialOutput, journalPath };
    }
    if (flag === undefined && attempt < 100) continue;
    throw usageError(
      'NPI_RATES_OUTPUT_BUSY',
      `another npi-rates search${lock.heldBy > 0 ? ` (process ${lock.heldBy})` : ''} is writing the output ${outputPath}`,
      'wait for it to finish, or choose another -o',
    );
  }
}

/**
 * An -o that is a symbolic link: the file it points at, so the output is written there (renaming
 * over the link would replace the link itself) and a search writing that file is seen as busy.
 */
async function throughSymlink(path: string | undefined): Promise<string | undefined> {
  if (path === undefined || path === '-' || /^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return path;
  const isLink = await lstat(path).then((stats) => stats.isSymbolicLink(), () => false);
  if (!isLink) return path;
  return realpath(path).catch(async () => resolve(dirname(path), await readlink(path)));
}

async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * An output that is also one of the search's inputs (a file to search, the --urls-file, the
 * --toc-url index, the --codes-file) would replace it. Files are compared by device and inode, so
 * another spelling of the path, a symbolic link or a hard link is caught too.
 */
async function refuseOutputAmongInputs(localOutput: string, flags: SearchFlags, locations: readonly string[]): Promise<void> {
  if (localOutput === '-') return;
  const output = await stat(localOutput).catch(() => undefined);
  // An output that does not exist yet replaces nothing.
  if (output === undefined || !output.isFile()) return;
  const inputs: Array<{ what: string; location: string | undefined }> = [
    ...locations.map((location) => ({ what: 'a file to search', location })),
    { what: 'the --urls-file', location: flags.urlsFile === '-' ? undefined : flags.urlsFile },
    { what: 'the --toc-url index', location: flags.tocUrl },
    { what: 'the --codes-file', location: flags.codesFile },
  ];
  for (const { what, location } of inputs) {
    if (location === undefined || (/^[a-z][a-z0-9+.-]*:\/\//i.test(location) && !location.startsWith('file://'))) continue;
    const path = location.startsWith('file://') ? fileURLToPath(location) : location;
    const input = await stat(path).catch(() => undefined);
    if (input !== undefined && input.dev === output.dev && input.ino === output.ino) {
      throw usageError('NPI_RATES_BAD_OPTION', `-o ${localOutput} is also ${what}: the output would replace it`, 'choose another -o');
    }
  }
}

/** --format json with -o rates.csv does what it says, but the name will mislead whoever opens the file. */
function warnAboutFormatAndName(format: OutputFormat, outputPath: string, io: CliIo): void {
  if (outputPath === '-' || !/\.(csv|ndjson|jsonl|json)$/i.test(outputPath.replace(/[?#].*$/, ''))) return;
  const named = formatFromPath(outputPath);
  if (named === format) return;
  io.err.write(`warning: writing ${format.toUpperCase()} (--format ${format}) into ${outputPath}, whose name says ${named.toUpperCase()}\n`);
}

function chooseFormat(flag: string | undefined, outputPath: string): OutputFormat {
  refuseCompressedName(outputPath);
  if (flag === undefined) return formatFromPath(outputPath);
  const format = parseOutputFormat(flag);
  if (!format) throw usageError('NPI_RATES_BAD_OPTION', `--format "${flag}" is not json, ndjson or csv`);
  return format;
}

function chooseWorkers(flag: string | undefined, fileCount: number): number {
  const requested = flag === undefined ? cpus().length : optionalCount(flag, '--workers', 1)!;
  return Math.max(1, Math.min(requested, fileCount));
}

/**
 * Refuses an output that cannot be written before any download starts. Returns 'special' for a
 * device or FIFO (/dev/null, a named pipe), which is written in place, never replaced.
 */
async function checkWritable(path: string): Promise<'file' | 'special'> {
  const absolute = resolve(path);
  const refuse = (reason: string) =>
    usageError(
      'NPI_RATES_OUTPUT_UNWRITABLE',
      `cannot write the output ${path}: ${reason}`,
      'choose another -o path (a folder you can write to), or -o - for standard output',
    );
  const existing = await stat(absolute).catch(() => undefined);
  if (existing?.isDirectory()) throw refuse('it is a directory');
  // A symbolic link (/dev/stdout when standard output is a file, say) is written through, in
  // place: renaming a finished file over it would replace the link, not fill what it points to.
  const isLink = (await lstat(absolute).catch(() => undefined))?.isSymbolicLink() === true;
  if (existing && (!existing.isFile() || isLink)) {
    await access(absolute, constants.W_OK).catch(() => {
      throw refuse('permission denied');
    });
    return 'special';
  }
  const parent = await stat(dirname(absolute)).catch(() => undefined);
  if (!parent) throw refuse(`the folder ${dirname(absolute)} does not exist`);
  if (!parent.isDirectory()) throw refuse(`${dirname(absolute)} is not a folder`);
  await access(existing ? absolute : dirname(absolute), constants.W_OK).catch(() => {
    throw refuse('permission denied');
  });
  return 'file';
}

/**
 * Creates the journal's file once (and removes it again when it was not there), before anything
 * is downloaded: folders such as /sys or /proc pass the permission check for root and still
 * refuse new files, and a search should not find that out after an hour.
 */
async function probeJournal(outputPath: string, journalPath: string): Promise<void> {
  const existed = await stat(journalPath).then(() => true, () => false);
  try {
    await (await open(journalPath, 'a')).close();
    if (!existed) await rm(journalPath, { force: true });
  } catch (error) {
    throw journalUnwritable(outputPath, journalPath, error);
  }
}

function journalUnwritable(outputPath: string, journalPath: string, error: unknown): NpiRatesError {
  return usageError(
    'NPI_RATES_OUTPUT_UNWRITABLE',
    `cannot write the output ${outputPath}: its journal ${journalPath} cannot be created (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    'choose another -o path (a folder you can write to), or -o - for standard output',
  );
}

/** The search in words, the same whatever the order the NPIs, TINs and codes were given in (see --resume). */
function describeSearch(npis: number[], tins: string[], codes: string[]): string {
  const sorted = <T>(list: T[]) => [...list].sort().join(',');
  const parts = [`npi ${sorted(npis) || '-'}`];
  if (tins.length > 0) parts.push(`tin ${sorted(tins)}`);
  if (codes.length > 0) parts.push(`code ${sorted(codes)}`);
  return parts.join('; ');
}

/** The journal sits next to a local output; stdout, device and s3 outputs keep theirs in the temp folder. */
async function journalPathFor(outputPath: string, localOutput: string, isSpecialOutput: boolean): Promise<string> {
  if (outputPath === '-') return join(tmpdir(), `npi-rates-stdout-${process.pid}.journal.ndjson`);
  if (outputPath.startsWith('s3://') || isSpecialOutput) {
    // node:crypto is dozens of internal modules; only these outputs hash their journal name.
    const { createHash } = await import('node:crypto');
    const key = createHash('sha256').update(resolve(outputPath)).digest('hex').slice(0, 12);
    return join(tmpdir(), `npi-rates-${key}.journal.ndjson`);
  }
  return `${localOutput}.journal.ndjson`;
}

/** The output could not be written (a full disk, a pipe closed early): the journal still holds every row. */
function outputWriteFailed(outputPath: string, journalPath: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (error instanceof NpiRatesError || typeof code !== 'string') return error;
  const reason = code === 'ENOSPC' ? 'the disk is full' : code === 'EPIPE' ? 'the reader of the output went away' : (error as Error).message;
  const canResume = outputPath !== '-';
  return new NpiRatesError('NPI_RATES_WRITE_FAILED', `cannot write the output ${outputPath === '-' ? '(standard output)' : outputPath}: ${reason}`, {
    hint: canResume
      ? `every row found is in ${journalPath}: free space on that disk, then run the same command with --resume to write the output without searching again`
      : code === 'EPIPE'
        ? undefined
        : 'write to a file with -o instead',
    cause: error,
  });
}

async function readLines(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8').catch((error: Error) => {
    throw usageError('NPI_RATES_BAD_OPTION', `cannot read --codes-file ${path}: ${error.message}`, 'check the path; the file lists one code a line, such as CPT:99213');
  });
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '');
}

