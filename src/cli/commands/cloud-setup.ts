import type { CommandRegistration } from './index.js';
import { checkBucketName, parsePositiveInteger, parsePositiveNumber, resolveRegion } from '../../cloud/cli-options.js';
import { formatReportLine } from '../../cloud/resource-report.js';
import { describeTaskSize, taskSizeFromFlags } from '../../cloud/task-size.js';

interface CloudSetupFlags {
  s3Bucket: string;
  region?: string;
  image?: string;
  cpu?: number;
  memory?: number;
  storage?: number;
}

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
      const bucket = checkBucketName(flags.s3Bucket);
      const region = resolveRegion(flags.region);
      const size = taskSizeFromFlags(flags.cpu, flags.memory, flags.storage);
      io.err.write(`cloud-setup in ${region}, tasks of ${describeTaskSize(size)}:\n`);

      const { imagePushInstructions, runCloudSetup } = await import('../../cloud/setup.js');
      const result = await runCloudSetup({
        bucket,
        region,
        image: flags.image,
        size,
        onResource: (report) => io.err.write(`${formatReportLine(report)}\n`),
      });

      const count = (outcome: string) => result.resources.filter((report) => report.outcome === outcome).length;
      if (count('created') === 0 && count('updated') === 0) {
        io.err.write(`Nothing to create: all ${result.resources.length} resources already exist.\n`);
      } else {
        io.err.write(`Created ${count('created')}, updated ${count('updated')}, found ${count('found')} already there.\n`);
      }
      io.err.write(`Worker image: ${result.image}\n`);
      if (result.imageMissing) {
        io.err.write('That image has not been pushed yet; tasks cannot start until it is. From the npi-rates folder:\n');
        for (const line of imagePushInstructions(result.image, region)) io.err.write(`  ${line}\n`);
      }
      io.err.write(`Next: npi-rates cloud-run --s3-bucket ${bucket} --region ${region} --npi ... --urls-file ...\n`);
    });
};
