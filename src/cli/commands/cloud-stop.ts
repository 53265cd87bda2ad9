import type { CommandRegistration } from './index.js';
import type { CloudStopFlags } from '../actions/cloud-stop.js';

export const registerCloudStopCommand: CommandRegistration = (program, io) => {
  program
    .command('cloud-stop')
    .description("stop every running task of a cloud-run run (its finished results stay in S3)")
    .argument('<run-id>', 'the id cloud-run printed')
    .requiredOption('--s3-bucket <name>', 'the bucket the run uses')
    .option('--region <region>', 'AWS region (default: AWS_REGION, else us-east-1)')
    .action(async (runId: string, flags: CloudStopFlags) => {
      const { cloudStopCommand } = await import('../actions/cloud-stop.js');
      await cloudStopCommand(runId, flags, io);
    });
};
