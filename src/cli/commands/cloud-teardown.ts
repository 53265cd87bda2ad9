import type { CommandRegistration } from './index.js';
import { checkBucketName, resolveRegion } from '../../cloud/cli-options.js';
import { formatReportLine } from '../../cloud/resource-report.js';

interface CloudTeardownFlags {
  s3Bucket: string;
  region?: string;
  keepBucket?: boolean;
}

export const registerCloudTeardownCommand: CommandRegistration = (program, io) => {
  program
    .command('cloud-teardown')
    .description('remove what cloud-setup created (stops running tasks first); safe to run twice')
    .requiredOption('--s3-bucket <name>', 'the bucket given to cloud-setup')
    .option('--region <region>', 'AWS region (default: AWS_REGION, else us-east-1)')
    .option('--keep-bucket', 'keep the bucket and the results in it')
    .action(async (flags: CloudTeardownFlags) => {
      const bucket = checkBucketName(flags.s3Bucket);
      const region = resolveRegion(flags.region);
      io.err.write(`cloud-teardown in ${region}:\n`);
      const { runCloudTeardown } = await import('../../cloud/teardown.js');
      const reports = await runCloudTeardown({
        bucket,
        region,
        keepBucket: flags.keepBucket,
        onResource: (report) => io.err.write(`${formatReportLine(report)}\n`),
      });
      const removed = reports.filter((report) => report.outcome === 'removed').length;
      io.err.write(removed === 0 ? 'Nothing to remove.\n' : `Removed ${removed} resources.\n`);
    });
};
