import { describe, expect, it } from 'vitest';
import { DescribeSubnetsCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { main } from '../../src/cli/main.js';
import { createCloudClients } from '../../src/cloud/aws-clients.js';
import { runCloudSetup } from '../../src/cloud/setup.js';
import { listS3Objects } from '../../src/cloud/s3-results.js';
import { useMotoPerFile } from './aws-test-env.js';
import { captureIo } from '../helpers/capture-io.js';
import path from 'node:path';
import { REPO_ROOT, writeUrlsFile, removeTemporaryDirs } from './cloud-run-env.js';

useMotoPerFile(removeTemporaryDirs);

const URLS = Array.from({ length: 12 }, (_, index) => `https://mrf.test/file-${index + 1}.json.gz`);

describe('cloud-run --dry-run against moto', () => {
  it('prints the plan with the default VPC subnets it found and a cost estimate, and uploads nothing', async () => {
    await runCloudSetup({ bucket: 'npi-runs', region: 'us-east-1' });
    const aws = createCloudClients({ region: 'us-east-1' });
    const vpcs = await aws.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
    const vpcId = vpcs.Vpcs?.[0]?.VpcId ?? '';
    const subnets = await aws.ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'default-for-az', Values: ['true'] }] }),
    );
    const subnetIds = (subnets.Subnets ?? []).map((subnet) => subnet.SubnetId).sort();
    expect(subnetIds.length).toBeGreaterThan(0);

    const { file } = await writeUrlsFile(URLS);
    const capture = captureIo();
    const exitCode = await main(
      ['node', 'npi-rates', 'cloud-run', '--s3-bucket', 'npi-runs', '--npi', '1234567893', '--urls-file', file, '--dry-run', '-o', 'out.json'],
      capture.io,
    );
    const stderr = capture.stderr();
    expect(exitCode, stderr).toBe(0);
    expect(stderr).toContain(`No --subnets given: using the default subnets of the default VPC ${vpcId}: ${subnetIds.join(', ')}`);
    expect(stderr).toContain(`Plan for 12 URLs from ${file}:`);
    expect(stderr).toContain('  tasks:     3 (up to 5 URLs each, 2 files at a time in each task)');
    expect(stderr).toContain('  task size: 4 vCPU, 8 GB memory, 100 GB disk (task definition npi-rates-worker:1)');
    expect(stderr).toContain('  capacity:  FARGATE_SPOT; up to 3 attempts per chunk, the last on FARGATE on-demand');
    // 3 tasks x 0.5 h x (4 x 0.04048 + 8 x 0.004445 per hour, Spot 70%..50% off, + 80 GB x 0.000111 disk).
    expect(stderr).toContain(
      '  estimated cost: $0.10-$0.16 on FARGATE_SPOT, $0.31 on-demand, if each task runs 30 min (1.5 task-hours; us-east-1 prices of 2026-06; --estimate-minutes to change)',
    );
    expect(stderr).toContain('Dry run: nothing was uploaded or launched.');
    const once = captureIo();
    const onceArgs = ['node', 'npi-rates', 'cloud-run', '--s3-bucket', 'npi-runs', '--npi', '1234567893', '--urls-file', file, '--dry-run', '--max-attempts', '1'];
    expect(await main(onceArgs, once.io), once.stderr()).toBe(0);
    expect(once.stderr()).toContain('  capacity:  FARGATE_SPOT; one attempt per chunk, not retried (a Spot interruption ends the chunk: --on-demand avoids that)');
    expect(await listS3Objects('s3://npi-runs/')).toEqual([]);
  });

  it('reads the URL list from S3 and uses the given subnets and task size overrides', async () => {
    await runCloudSetup({ bucket: 'npi-runs', region: 'us-east-1' });
    const { writeS3Text } = await import('../../src/cloud/s3-results.js');
    await writeS3Text('s3://npi-runs/lists/urls.txt', `${URLS.slice(0, 4).join('\n')}\n`);
    const capture = captureIo();
    const exitCode = await main(
      [
        'node', 'npi-rates', 'cloud-run', '--s3-bucket', 'npi-runs', '--npi', '1234567893', '--urls-file', 's3://npi-runs/lists/urls.txt',
        '--subnets', 'subnet-a,subnet-b', '--cpu', '2', '--memory', '4', '--urls-per-task', '1', '--estimate-minutes', '60', '--dry-run',
      ],
      capture.io,
    );
    const stderr = capture.stderr();
    expect(exitCode, stderr).toBe(0);
    expect(stderr).toContain('Plan for 4 URLs from s3://npi-runs/lists/urls.txt:');
    expect(stderr).toContain('  task size: 2 vCPU, 4 GB memory, 100 GB disk (task definition npi-rates-worker:1, with --cpu/--memory overrides)');
    expect(stderr).toContain('  subnets:   subnet-a, subnet-b with public IPs');
    expect(stderr).not.toContain('default VPC');
  });

  it('exits 3 when a real run would fail: no cloud-setup in the region, no such bucket', async () => {
    const { file } = await writeUrlsFile(URLS);
    const capture = captureIo();
    const args = ['node', 'npi-rates', 'cloud-run', '--s3-bucket', 'no-such-runs', '--npi', '1234567893', '--urls-file', file, '--subnets', 'subnet-a', '--dry-run'];
    expect(await main(args, capture.io)).toBe(3);
    expect(capture.stderr()).toContain('Dry run: nothing was uploaded or launched.');
    expect(capture.stderr()).toContain(
      'A real run would fail: the task definition npi-rates-worker could not be read in us-east-1 (Unable to describe task definition; run cloud-setup there first if it never ran); the bucket of the output s3://no-such-runs/ does not exist',
    );
  });

  it('refuses a real run for the same reasons before it uploads anything (exit 3), so no run folder is left behind', async () => {
    const aws = createCloudClients({ region: 'us-east-1' });
    await aws.s3.send(new CreateBucketCommand({ Bucket: 'bare-runs' }));
    const { file } = await writeUrlsFile(URLS);
    const capture = captureIo();
    const args = ['node', 'npi-rates', 'cloud-run', '--s3-bucket', 'bare-runs', '--npi', '1234567893', '--urls-file', file, '--subnets', 'subnet-a'];
    expect(await main(args, capture.io)).toBe(3);
    expect(capture.stderr()).toContain(
      'error: cloud-run cannot start: the task definition npi-rates-worker could not be read in us-east-1 (Unable to describe task definition; ' +
        'run cloud-setup there first if it never ran); nothing was uploaded or launched (npi-rates cloud-setup --s3-bucket bare-runs --region us-east-1 makes what is missing)',
    );
    const listed = await aws.s3.send(new ListObjectsV2Command({ Bucket: 'bare-runs' }));
    expect(listed.KeyCount).toBe(0);
  });

  it('takes the URLs from a table of contents, filtered by plan market', async () => {
    await runCloudSetup({ bucket: 'npi-runs', region: 'us-east-1' });
    const toc = path.join(REPO_ROOT, 'test', 'fixtures', 'cloud', 'toc.json');
    const capture = captureIo();
    const base = ['node', 'npi-rates', 'cloud-run', '--s3-bucket', 'npi-runs', '--npi', '1234567893', '--subnets', 'subnet-a', '--toc-url', toc, '--dry-run'];
    expect(await main(base, capture.io), capture.stderr()).toBe(0);
    expect(capture.stderr()).toContain('Plan for 3 URLs from the table of contents (2 of 2 plan structures):');
    const filtered = captureIo();
    expect(await main([...base, '--market', 'group'], filtered.io), filtered.stderr()).toBe(0);
    expect(filtered.stderr()).toContain('Plan for 2 URLs from the table of contents (1 of 2 plan structures):');
  });

  it('refuses an -o it could not write, or a compressed name, before uploading or launching anything', async () => {
    const { file } = await writeUrlsFile(URLS);
    const base = ['node', 'npi-rates', 'cloud-run', '--s3-bucket', 'npi-runs', '--npi', '1234567893', '--urls-file', file];
    const missing = captureIo();
    expect(await main([...base, '-o', '/nonexistent-folder/x.json'], missing.io)).toBe(2);
    expect(missing.stderr()).toContain('error: cannot write -o /nonexistent-folder/x.json: the folder /nonexistent-folder does not exist');
    const compressed = captureIo();
    expect(await main([...base, '-o', 'merged.csv.gz'], compressed.io)).toBe(2);
    expect(compressed.stderr()).toContain('error: -o merged.csv.gz: npi-rates writes its output uncompressed');
    expect(missing.stderr() + compressed.stderr()).not.toContain('uploaded');
  });

  it('refuses --attach together with a URL list', async () => {
    const { file } = await writeUrlsFile(URLS);
    const capture = captureIo();
    const exitCode = await main(['node', 'npi-rates', 'cloud-run', '--s3-bucket', 'npi-runs', '--attach', 'run-20260101-000000-abcd', '--urls-file', file], capture.io);
    expect(exitCode).toBe(2);
    expect(capture.stderr()).toContain('error: --attach resumes a run that already has its NPIs and URLs; leave out --urls-file, --toc-url and --npi');
  });
});
