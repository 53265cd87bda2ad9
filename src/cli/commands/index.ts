import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { registerSearchCommand } from './search.js';
import { registerMergeCommand } from './merge.js';
import { registerCloudTeardownCommand } from './cloud-teardown.js';
import { registerCloudSetupCommand } from './cloud-setup.js';
import { registerCloudStopCommand } from './cloud-stop.js';
import { registerCloudRunCommand } from './cloud-run.js';
import { registerUrlsCommand } from './urls.js';
import { registerNpiCommand } from './npi.js';
import { registerDownloadCommand } from './download.js';
import { registerSplitCommand } from './split.js';

/** Adds one subcommand to the program; `setExitCode` records the status the run ends with. */
export type CommandRegistration = (
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
) => void;

// Each subcommand lives in its own file and is listed here once. Those files only declare options
// for commander; the code that runs (../actions/*) is imported when its command runs, so starting
// the CLI loads none of what the commands use (undici, the AWS SDK, cli-progress, yauzl...).
export const commandRegistrations: CommandRegistration[] = [registerSearchCommand, registerMergeCommand, registerCloudSetupCommand, registerCloudRunCommand, registerCloudStopCommand, registerCloudTeardownCommand, registerUrlsCommand, registerNpiCommand, registerDownloadCommand, registerSplitCommand];
