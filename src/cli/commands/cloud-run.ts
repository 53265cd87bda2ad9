import type { Command } from 'commander';
import type { CommandRegistration } from './index.js';
import type { CloudRunFlags } from '../actions/cloud-run.js';
import { collectList, parsePositiveInteger, parsePositiveNumber } from '../../cloud/cli-options.js';
import {
  DEFAULT_ESTIMATE_MINUTES,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_URLS_PER_TASK,
  DEFAULT_WORKERS_PER_TASK,
} from '../../cloud/run-defaults.js';

export const registerCloudRunCommand: CommandRegistration = (program, io, setExitCode) => {
  program
    .command('cloud-run')
    .description('search many MRF files at once on AWS Fargate: one task per chunk of URLs, results merged into one output')
    .requiredOption('--s3-bucket <name>', 'the bucket given to cloud-setup')
    .option('--region <region>', 'AWS region (default: AWS_REGION, else us-east-1)')
    .option('--npi <npis>', 'NPI(s) to search for; repeatable, or comma-separated', collectList, [])
    .option('--urls-file <file>', 'MRF URLs, one per line (a path, s3://bucket/key, or - for standard input)')
    .option('--toc-url <source>', 'take the in-network file URLs from this table-of-contents file instead')
    .option('--plan-id <id>', 'with --toc-url: only plans with this HIOS id or EIN')
    .option('--plan-name <regex>', 'with --toc-url: only plans whose name matches')
    .option('--market <type>', 'with --toc-url: group or individual')
    .option('--urls-per-task <n>', 'URLs per Fargate task', parsePositiveInteger('--urls-per-task'), DEFAULT_URLS_PER_TASK)
    .option('--workers <n>', 'files searched at once inside each task', parsePositiveInteger('--workers'), DEFAULT_WORKERS_PER_TASK)
    .option('-o, --output <path>', 'merged output: a path, s3://bucket/key, or - (default: results_<date>_<time>.json)')
    .option('--subnets <ids>', 'subnets for the tasks (default: the default VPC\'s default subnets)', collectList, [])
    .option('--security-groups <ids>', 'security groups for the tasks (default: the VPC\'s default group)', collectList, [])
    .option('--no-public-ip', 'do not give tasks a public IP (the subnets then need a NAT gateway)')
    .option('--max-attempts <n>', 'tries per chunk; all but the last on FARGATE_SPOT, the last on FARGATE', parsePositiveInteger('--max-attempts'), DEFAULT_MAX_ATTEMPTS)
    .option('--on-demand', 'run every task on FARGATE on-demand instead of FARGATE_SPOT')
    .option('--max-running <n>', 'at most this many tasks at once (default: no limit)', parsePositiveInteger('--max-running'))
    .option('--cpu <vcpu>', 'override the task definition\'s vCPU for this run', parsePositiveNumber('--cpu'))
    .option('--memory <gb>', 'override the task definition\'s memory (GB) for this run', parsePositiveNumber('--memory'))
    .option('--poll-seconds <n>', 'seconds between task status checks', parsePositiveNumber('--poll-seconds'), 15)
    .option('--detach', 'launch the tasks, print the run id and exit; --attach later to retry and merge')
    .option('--attach <run-id>', 'resume watching, retrying and merging a run started earlier (from any machine)')
    .option('--dry-run', 'print the plan and a cost estimate; upload and launch nothing')
    .option('--estimate-minutes <n>', 'minutes each task is assumed to run, for the cost estimate', parsePositiveNumber('--estimate-minutes'), DEFAULT_ESTIMATE_MINUTES)
    .action(async (flags: CloudRunFlags, command: Command) => {
      const { cloudRunCommand } = await import('../actions/cloud-run.js');
      setExitCode(await cloudRunCommand(flags, command, io));
    });
};
