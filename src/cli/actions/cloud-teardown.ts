import type { CliIo } from '../io.js';
import { checkBucketName, resolveRegion } from '../../cloud/cli-options.js';
import { formatReportLine } from '../../cloud/resource-report.js';

export interface CloudTeardownFlags {
  s3Bucket: string;
  region?: string;
  keepBucket?: boolean;
}

/** Removes what cloud-setup created, reporting each resource. */
export async function cloudTeardownCommand(flags: CloudTeardownFlags, io: CliIo): Promise<void> {
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
}
