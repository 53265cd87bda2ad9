import type { CliIo } from '../io.js';
import { checkBucketName, resolveRegion } from '../../cloud/cli-options.js';

export interface CloudStopFlags {
  s3Bucket: string;
  region?: string;
}

/** Stops the running tasks of one run and says how to merge what finished. */
export async function cloudStopCommand(runId: string, flags: CloudStopFlags, io: CliIo): Promise<void> {
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
}
