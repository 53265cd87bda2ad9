import type { CommandRegistration } from './index.js';
import type { CloudTeardownFlags } from '../actions/cloud-teardown.js';

export const registerCloudTeardownCommand: CommandRegistration = (program, io) => {
  program
    .command('cloud-teardown')
    .description('remove what cloud-setup created (stops running tasks first); safe to run twice')
    .requiredOption('--s3-bucket <name>', 'the bucket given to cloud-setup')
    .option('--region <region>', 'AWS region (default: AWS_REGION, else us-east-1)')
    .option('--keep-bucket', 'keep the bucket and the results in it')
    .action(async (flags: CloudTeardownFlags) => {
      const { cloudTeardownCommand } = await import('../actions/cloud-teardown.js');
      await cloudTeardownCommand(flags, io);
    });
};
