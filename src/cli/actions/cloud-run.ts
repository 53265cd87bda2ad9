import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { usageError } from '../../shared/errors.js';
import { parseNpiList } from '../../match/npi.js';
import { checkBucketName, resolveRegion } from '../../cloud/cli-options.js';
import { taskSizeFromFlags } from '../../cloud/task-size.js';
import { readUrlList } from '../../search/url-list.js';
import { checkLocationForm } from '../../sources/open-source.js';
import { refuseCompressedName } from '../../writers/output-format.js';
import { freeDefaultName } from '../../merge/default-output-name.js';

export interface CloudRunFlags {
  s3Bucket: string;
  region?: string;
  npi: string[];
  urlsFile?: string;
  tocUrl?: string;
  planId?: string;
  planName?: string;
  market?: string;
  urlsPerTask: number;
  workers: number;
  output?: string;
  subnets: string[];
  securityGroups: string[];
  publicIp: boolean;
  maxAttempts: number;
  onDemand?: boolean;
  maxRunning?: number;
  cpu?: number;
  memory?: number;
  pollSeconds: number;
  detach?: boolean;
  attach?: string;
  dryRun?: boolean;
  estimateMinutes: number;
}

/** Plans, launches, watches and merges a Fargate run (or attaches to one); returns the exit code. */
export async function cloudRunCommand(flags: CloudRunFlags, command: Command, io: CliIo): Promise<number> {
  const bucket = checkBucketName(flags.s3Bucket);
  const region = resolveRegion(flags.region);
  const output = flags.output ?? (await freeDefaultName());
  const say = (line: string) => io.err.write(`${line}\n`);
  // Checked before any upload or launch: finding out at the merge would be after the tasks ran.
  refuseCompressedName(output);
  await refuseMissingFolder(output);

  if (flags.attach && (flags.urlsFile || flags.tocUrl || flags.npi.length > 0)) {
    throw usageError(
      'NPI_RATES_BAD_OPTION',
      '--attach resumes a run that already has its NPIs and URLs; leave out --urls-file, --toc-url and --npi',
    );
  }
  // On --attach, a --max-attempts left at its default must not overwrite the run's own setting.
  const maxAttempts = flags.attach && command.getOptionValueSource('maxAttempts') === 'default' ? undefined : flags.maxAttempts;

  let npis: string[] | undefined;
  let urls: string[] | undefined;
  let urlsSourceName: string | undefined;
  if (!flags.attach) {
    const parsed = parseNpiList(flags.npi);
    if (parsed.npis.length === 0) throw usageError('NPI_RATES_NO_NPI', 'cloud-run needs at least one --npi', 'e.g. --npi 1234567893');
    for (const warning of parsed.warnings) say(`warning: ${warning}`);
    npis = parsed.npis.map(String);
    ({ urls, urlsSourceName } = await readRunUrls(flags, io.stdin, region));
  }
  // Validates --cpu/--memory against Fargate's sizes; storage is fixed by the task definition.
  const size = flags.cpu !== undefined || flags.memory !== undefined ? taskSizeFromFlags(flags.cpu, flags.memory) : undefined;

  // First Ctrl-C stops the run's tasks and exits 130; a second one kills at once (default handling).
  const interrupt = new AbortController();
  const onSigint = () => {
    say("Ctrl-C: stopping this run's tasks (press again to quit without stopping them)...");
    interrupt.abort();
  };
  process.once('SIGINT', onSigint);
  try {
    // The AWS SDK loads only when a cloud command runs, not on every start of the CLI.
    const { runCloudJob } = await import('../../cloud/cloud-run.js');
    const result = await runCloudJob(
      {
        bucket,
        region,
        output,
        npis,
        urls,
        urlsSourceName,
        urlsPerTask: flags.urlsPerTask,
        workersPerTask: flags.workers,
        subnets: flags.subnets,
        securityGroups: flags.securityGroups,
        assignPublicIp: flags.publicIp,
        maxAttempts,
        onDemandOnly: flags.onDemand,
        maxRunningTasks: flags.maxRunning,
        cpuUnits: size?.cpuUnits,
        memoryMiB: size?.memoryMiB,
        dryRun: flags.dryRun,
        estimateMinutesPerTask: flags.estimateMinutes,
        detach: flags.detach,
        attachRunId: flags.attach,
        pollIntervalMs: flags.pollSeconds * 1000,
      },
      { stdout: io.out, say, signal: interrupt.signal },
    );
    return result.exitCode;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

async function readRunUrls(flags: CloudRunFlags, stdin: NodeJS.ReadableStream, region: string) {
  if (flags.urlsFile && flags.tocUrl) {
    throw usageError('NPI_RATES_BAD_OPTION', 'give either --urls-file or --toc-url, not both');
  }
  if (flags.urlsFile) {
    const urls = await readUrlList(flags.urlsFile, stdin, region);
    // A Fargate task reads its files over the network; a local path or a typo could only fail there.
    const unreachable = urls.find((url) => !/^(https?|s3):\/\//i.test(url));
    if (unreachable !== undefined) {
      throw usageError(
        'NPI_RATES_BAD_URL_LIST',
        `--urls-file ${flags.urlsFile}: "${unreachable}" is not an http(s):// or s3:// URL, which a cloud task could not read`,
        'upload local files to S3 and list their s3:// URIs',
      );
    }
    for (const url of urls) checkLocationForm(url);
    return { urls, urlsSourceName: flags.urlsFile };
  }
  if (flags.tocUrl) {
    // Loaded only when used: the table-of-contents reader is not needed for the other paths.
    const { listInNetworkFiles, parseTocFilters } = await import('../../toc/index.js');
    const listing = await listInNetworkFiles(flags.tocUrl, parseTocFilters(flags));
    const urls = listing.files.map((file) => file.url);
    // A local index may list files on this machine, which a cloud task could not read.
    const local = urls.find((url) => !/^(https?|s3):\/\//i.test(url));
    if (local !== undefined) {
      throw usageError('NPI_RATES_BAD_URL_LIST', `the table of contents '${flags.tocUrl}' lists "${local}", a file on this machine, which a cloud task could not read`, 'upload the files to S3 and list their s3:// URIs');
    }
    for (const url of urls) checkLocationForm(url);
    if (listing.skippedFiles.length > 0) {
      throw usageError(
        'NPI_RATES_BAD_URL_LIST',
        `the table of contents '${flags.tocUrl}' lists ${listing.skippedFiles.length} in-network file(s) that cannot be searched (${listing.skippedFiles[0]})`,
        'run `npi-rates urls --toc-url ...` to see them; search the others with --urls-file',
      );
    }
    if (urls.length === 0) {
      throw usageError('NPI_RATES_TOC_EMPTY', `the table of contents '${flags.tocUrl}' lists no in-network files for these filters`, 'check --plan-id/--plan-name/--market');
    }
    return { urls, urlsSourceName: `the table of contents (${listing.structuresSelected} of ${listing.structuresSeen} plan structures)` };
  }
  throw usageError('NPI_RATES_NO_URLS', 'cloud-run needs --urls-file or --toc-url (or --attach RUN_ID)', 'e.g. --urls-file urls.txt');
}

/** A local -o whose folder does not exist could only fail once the run is over. */
async function refuseMissingFolder(output: string): Promise<void> {
  if (output === '-' || /^[a-z][a-z0-9+.-]*:\/\//i.test(output)) return;
  const folder = dirname(resolve(output));
  const isFolder = await stat(folder).then((stats) => stats.isDirectory(), () => false);
  if (!isFolder) {
    throw usageError('NPI_RATES_OUTPUT_UNWRITABLE', `cannot write -o ${output}: the folder ${folder} does not exist`, 'create the folder first, or choose another -o');
  }
}
