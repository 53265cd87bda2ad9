import type { CommandRegistration } from './index.js';
import { checkBucketName, resolveRegion } from '../../cloud/cli-options.js';

interface CloudStopFlags {
  s3Bucket: string;
  region?: string;
}

export const registerCloudStopCommand: CommandRegistration = (program, io) => {
  program
    .command('cloud-stop')
    .description("stop every running task of a cloud-run run (its finished results stay in S3)")
    .argument('<run-id>', 'the id cloud-run printed')
    .requiredOption('--s3-bucket <name>', 'the bucket the run uses')
    .option('--region <region>', 'AWS region (default: AWS_REGION, else us-east-1)')
    .action(async (runId: string, flags: CloudStopFlags) => {
      const bucket = checkBucketName(flags.s3Bucket);
      const region = resolveRegion(flags.region);
      const { stopCloudRun } = await import('../../cloud/cloud-stop.js');
      const stopped = await stopCloudRun({ bucket, region, runId });
      io.err.write(
        stopped.length === 0
          ? `Run ${runId} has no running tasks; marked it stopped.\n`
          : `Stopped ${stopped.length} task${stopped.length === 1 ? '' : 's'} of ${runId}: ${stopped.map((arn) => arn.slice(arn.lastIndexOf('/') + 1)).join(', ')}\n`,
      );
      io.err.write(`Merge what finished with: npi-rates cloud-run --attach ${runId} --s3-bucket ${bucket} --region ${region}\n`);
    });
};
