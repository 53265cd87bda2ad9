import type { CommandRegistration } from './index.js';
import type { CloudSetupFlags } from '../actions/cloud-setup.js';
import { parsePositiveInteger, parsePositiveNumber } from '../../cloud/cli-options.js';

export const registerCloudSetupCommand: CommandRegistration = (program, io) => {
  program
    .command('cloud-setup')
    .description('create the AWS resources cloud-run needs (bucket, ECR repository, ECS cluster, roles, log group, task definition); safe to re-run')
    .requiredOption('--s3-bucket <name>', 'bucket for URL chunks and results (created when missing)')
    .option('--region <region>', 'AWS region (default: AWS_REGION, else us-east-1)')
    .option('--image <uri>', "worker image (default: the npi-rates ECR repository's :latest)")
    .option('--cpu <vcpu>', 'vCPU per task: 0.25, 0.5, 1, 2, 4, 8 or 16 (default 4)', parsePositiveNumber('--cpu'))
    .option('--memory <gb>', 'memory per task in GB (default 8)', parsePositiveNumber('--memory'))
    .option('--storage <gb>', 'ephemeral disk per task in GB, 21-200 (default 100)', parsePositiveInteger('--storage'))
    .action(async (flags: CloudSetupFlags) => {
      const { cloudSetupCommand } = await import('../actions/cloud-setup.js');
      await cloudSetupCommand(flags, io);
    });
};
