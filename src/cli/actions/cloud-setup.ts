import type { CliIo } from '../io.js';
import { usageError } from '../../shared/errors.js';
import { checkBucketName, resolveRegion } from '../../cloud/cli-options.js';
import { formatReportLine } from '../../cloud/resource-report.js';
import { describeTaskSize, taskSizeFromFlags } from '../../cloud/task-size.js';

export interface CloudSetupFlags {
  s3Bucket: string;
  region?: string;
  image?: string;
  cpu?: number;
  memory?: number;
  storage?: number;
}

/** Creates (or finds) every AWS resource cloud-run needs, reporting each, then says what to do next. */
export async function cloudSetupCommand(flags: CloudSetupFlags, io: CliIo): Promise<void> {
  const bucket = checkBucketName(flags.s3Bucket);
  const region = resolveRegion(flags.region);
  if (flags.image !== undefined && flags.image.trim() === '') {
    throw usageError('NPI_RATES_BAD_OPTION', '--image is empty', 'give an image such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/npi-rates:latest, or leave --image out to use the ECR repository cloud-setup makes');
  }
  // Without a size flag, the size an earlier cloud-setup registered stays (else the default).
  const hasSizeFlag = flags.cpu !== undefined || flags.memory !== undefined || flags.storage !== undefined;
  const size = hasSizeFlag ? taskSizeFromFlags(flags.cpu, flags.memory, flags.storage) : undefined;
  io.err.write(`cloud-setup in ${region}${size ? `, tasks of ${describeTaskSize(size)}` : ''}:\n`);

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
}
