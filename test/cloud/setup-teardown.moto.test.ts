import { describe, expect, it } from 'vitest';
import { DescribeClustersCommand, DescribeTaskDefinitionCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { GetRoleCommand, GetRolePolicyCommand, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import {
  CreateBucketCommand,
  GetBucketTaggingCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { main } from '../../src/cli/main.js';
import { createCloudClients } from '../../src/cloud/aws-clients.js';
import { runCloudSetup } from '../../src/cloud/setup.js';
import { runCloudTeardown } from '../../src/cloud/teardown.js';
import { taskSizeFromFlags } from '../../src/cloud/task-size.js';
import { useMotoPerFile } from './aws-test-env.js';
import { captureIo } from '../helpers/capture-io.js';

// moto's fixed account id.
const ACCOUNT = '123456789012';
useMotoPerFile();

async function cli(...args: string[]) {
  const capture = captureIo();
  const exitCode = await main(['node', 'npi-rates', ...args], capture.io);
  return { exitCode, stderr: capture.stderr() };
}

describe('cloud-setup against moto', () => {
  it('creates every resource with the documented settings', async () => {
    const { exitCode, stderr } = await cli('cloud-setup', '--s3-bucket', 'npi-runs', '--region', 'us-east-1');
    expect(exitCode).toBe(0);
    expect(stderr).toContain('Created 7, updated 0, found 0 already there.');
    expect(stderr).toContain(`Worker image: ${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/npi-rates:latest`);
    expect(stderr).toContain('That image has not been pushed yet');
    const aws = createCloudClients({ region: 'us-east-1' });

    const tags = await aws.s3.send(new GetBucketTaggingCommand({ Bucket: 'npi-runs' }));
    expect(tags.TagSet).toEqual([{ Key: 'npi-rates:managed-by', Value: 'cloud-setup' }]);
    const publicAccess = await aws.s3.send(new GetPublicAccessBlockCommand({ Bucket: 'npi-runs' }));
    expect(publicAccess.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true,
    });

    const repositories = await aws.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['npi-rates'] }));
    expect(repositories.repositories?.[0]?.repositoryUri).toBe(`${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/npi-rates`);

    const logGroups = await aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/npi-rates' }));
    expect(logGroups.logGroups?.map((group) => [group.logGroupName, group.retentionInDays])).toEqual([['/ecs/npi-rates', 30]]);

    const executionRole = await aws.iam.send(new GetRoleCommand({ RoleName: 'npi-rates-execution-role' }));
    const trust = JSON.parse(decodeURIComponent(executionRole.Role?.AssumeRolePolicyDocument ?? '')) as { Statement: unknown[] };
    expect(trust.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    const attached = await aws.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'npi-rates-execution-role' }));
    expect(attached.AttachedPolicies?.map((policy) => policy.PolicyArn)).toEqual([
      'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
    ]);
    const s3Policy = await aws.iam.send(new GetRolePolicyCommand({ RoleName: 'npi-rates-task-role', PolicyName: 'npi-rates-s3-access' }));
    expect(JSON.parse(decodeURIComponent(s3Policy.PolicyDocument ?? ''))).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ListRunBucket', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: 'arn:aws:s3:::npi-runs' },
        { Sid: 'ReadChunksWriteResults', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], Resource: 'arn:aws:s3:::npi-runs/*' },
      ],
    });

    const clusters = await aws.ecs.send(new DescribeClustersCommand({ clusters: ['npi-rates'] }));
    expect(clusters.clusters?.[0]?.status).toBe('ACTIVE');
    expect(clusters.clusters?.[0]?.capacityProviders).toEqual(['FARGATE', 'FARGATE_SPOT']);
    expect(clusters.clusters?.[0]?.defaultCapacityProviderStrategy).toEqual([{ capacityProvider: 'FARGATE_SPOT', weight: 1 }]);

    const described = await aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'npi-rates-worker' }));
    const definition = described.taskDefinition;
    expect(definition?.revision).toBe(1);
    expect(definition?.cpu).toBe('4096');
    expect(definition?.memory).toBe('8192');
    expect(definition?.ephemeralStorage).toEqual({ sizeInGiB: 100 });
    expect(definition?.runtimePlatform).toEqual({ cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' });
    expect(definition?.networkMode).toBe('awsvpc');
    expect(definition?.requiresCompatibilities).toEqual(['FARGATE']);
    expect(definition?.taskRoleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/npi-rates-task-role`);
    expect(definition?.executionRoleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/npi-rates-execution-role`);
    const container = definition?.containerDefinitions?.[0];
    expect(container?.name).toBe('npi-rates');
    expect(container?.image).toBe(`${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/npi-rates:latest`);
    expect(container?.logConfiguration).toEqual({
      logDriver: 'awslogs',
      options: { 'awslogs-group': '/ecs/npi-rates', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'worker' },
    });
  });

  it('creates nothing on a second run and says so', async () => {
    await runCloudSetup({ bucket: 'npi-runs', region: 'us-east-1' });
    const { exitCode, stderr } = await cli('cloud-setup', '--s3-bucket', 'npi-runs', '--region', 'us-east-1');
    expect(exitCode).toBe(0);
    expect(stderr).toContain('Nothing to create: all 7 resources already exist.');
    expect(stderr).not.toMatch(/^created/m);
    const aws = createCloudClients({ region: 'us-east-1' });
    const revisions = await aws.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'npi-rates-worker' }));
    expect(revisions.taskDefinitionArns).toHaveLength(1);
  });

  it('registers a new task definition revision when the task size changes, and only then', async () => {
    await runCloudSetup({ bucket: 'npi-runs', region: 'us-east-1' });
    const result = await runCloudSetup({ bucket: 'npi-runs', region: 'us-east-1', size: taskSizeFromFlags(2, 4, 50) });
    const taskDefinition = result.resources.find((report) => report.kind === 'task definition');
    expect(taskDefinition).toEqual({
      kind: 'task definition',
      name: 'npi-rates-worker:2',
      outcome: 'updated',
      detail: 'new revision: cpu 4096 -> 2048, memory 8192 -> 4096, ephemeral storage 100 -> 50',
    });
  });

  it('keeps the size and image an earlier cloud-setup registered when run again without those flags', async () => {
    await runCloudSetup({ bucket: 'npi-runs', region: 'us-east-1', size: taskSizeFromFlags(2, 4, 50), image: 'ghcr.io/example/npi-rates:1.0' });
    const again = await cli('cloud-setup', '--s3-bucket', 'npi-runs', '--region', 'us-east-1');
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toContain('Nothing to create: all 7 resources already exist.');
    expect(again.stderr).toContain('Worker image: ghcr.io/example/npi-rates:1.0');
    expect(again.stderr).toMatch(/^found\s+task definition\s+npi-rates-worker:1 \(2 vCPU, 4 GB memory, 50 GB disk\)$/m);
    // A flag still changes it.
    const bigger = await runCloudSetup({ bucket: 'npi-runs', region: 'us-east-1', size: taskSizeFromFlags(4, 8, 50) });
    expect(bigger.resources.find((report) => report.kind === 'task definition')?.detail).toBe('new revision: cpu 2048 -> 4096, memory 4096 -> 8192');
  });

  it('updates the task role policy when setup is pointed at another bucket, and says what becomes of the first', async () => {
    await runCloudSetup({ bucket: 'npi-runs', region: 'us-east-1' });
    const result = await runCloudSetup({ bucket: 'other-runs', region: 'us-east-1' });
    expect(result.resources.find((report) => report.kind === 'IAM task role')).toEqual({
      kind: 'IAM task role',
      name: 'npi-rates-task-role',
      outcome: 'updated',
      detail:
        'S3 access limited to other-runs; us-east-1 used npi-runs before, which tasks can no longer reach and cloud-teardown no longer removes: ' +
        'once its results are not needed, `aws s3 rb s3://npi-runs --force` deletes it',
    });
  });

  it('creates the bucket in the requested region outside us-east-1', async () => {
    await runCloudSetup({ bucket: 'npi-runs-eu', region: 'eu-west-1' });
    const aws = createCloudClients({ region: 'eu-west-1' });
    const head = await aws.s3.send(new HeadBucketCommand({ Bucket: 'npi-runs-eu' }));
    expect(head.BucketRegion).toBe('eu-west-1');
  });

  it('uses the --image given instead of the ECR default and does not ask for a push', async () => {
    const result = await runCloudSetup({ bucket: 'npi-runs', region: 'us-east-1', image: 'ghcr.io/example/npi-rates:1.0' });
    expect(result.image).toBe('ghcr.io/example/npi-rates:1.0');
    expect(result.imageMissing).toBe(false);
  });
});

describe('cloud-teardown against moto', () => {
  it('removes everything cloud-setup created, then finds nothing on a second run', async () => {
    await runCloudSetup({ bucket: 'npi-runs', region: 'us-east-1' });
    const aws = createCloudClients({ region: 'us-east-1' });
    await aws.s3.send(new PutObjectCommand({ Bucket: 'npi-runs', Key: 'run-1/results/task-1.json', Body: '{}' }));

    const first = await cli('cloud-teardown', '--s3-bucket', 'npi-runs', '--region', 'us-east-1');
    expect(first.exitCode).toBe(0);
    expect(first.stderr).toContain('Removed 7 resources.');
    expect(first.stderr).toMatch(/^removed\s+S3 bucket\s+npi-runs \(with 1 objects\)$/m);

    const clusters = await aws.ecs.send(new DescribeClustersCommand({ clusters: ['npi-rates'] }));
    expect(clusters.clusters?.filter((cluster) => cluster.status === 'ACTIVE')).toEqual([]);
    const active = await aws.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'npi-rates-worker', status: 'ACTIVE' }));
    expect(active.taskDefinitionArns).toEqual([]);
    await expect(aws.iam.send(new GetRoleCommand({ RoleName: 'npi-rates-task-role' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    await expect(aws.iam.send(new GetRoleCommand({ RoleName: 'npi-rates-execution-role' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    const logGroups = await aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/npi-rates' }));
    expect(logGroups.logGroups).toEqual([]);
    await expect(aws.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['npi-rates'] }))).rejects.toMatchObject({
      name: 'RepositoryNotFoundException',
    });
    const buckets = await aws.s3.send(new ListBucketsCommand({}));
    expect(buckets.Buckets ?? []).toEqual([]);

    const second = await cli('cloud-teardown', '--s3-bucket', 'npi-runs', '--region', 'us-east-1');
    expect(second.exitCode).toBe(0);
    expect(second.stderr).toContain('Nothing to remove.');
    expect(second.stderr.match(/^not found/gm)).toHaveLength(7);
  });

  it('keeps the global IAM roles for a region still set up, granting the buckets of every region, until the last teardown', async () => {
    await runCloudSetup({ bucket: 'runs-east', region: 'us-east-1' });
    await runCloudSetup({ bucket: 'runs-west', region: 'eu-west-1' });
    const aws = createCloudClients({ region: 'us-east-1' });
    const grantedBuckets = async () => {
      const policy = await aws.iam.send(new GetRolePolicyCommand({ RoleName: 'npi-rates-task-role', PolicyName: 'npi-rates-s3-access' }));
      const document = JSON.parse(decodeURIComponent(policy.PolicyDocument ?? '')) as { Statement: Array<{ Resource: string | string[] }> };
      return document.Statement[0].Resource;
    };
    expect(await grantedBuckets()).toEqual(['arn:aws:s3:::runs-east', 'arn:aws:s3:::runs-west']);

    const west = await cli('cloud-teardown', '--s3-bucket', 'runs-west', '--region', 'eu-west-1');
    expect(west.exitCode).toBe(0);
    expect(west.stderr).toMatch(/^kept\s+IAM task role\s+npi-rates-task-role \(still used by cloud-setup in us-east-1\)$/m);
    expect(west.stderr).toMatch(/^kept\s+IAM execution role\s+npi-rates-execution-role \(still used by cloud-setup in us-east-1\)$/m);
    // The east region's tasks can still take their roles, and reach only their own bucket now.
    expect((await aws.iam.send(new GetRoleCommand({ RoleName: 'npi-rates-execution-role' }))).Role?.RoleName).toBe('npi-rates-execution-role');
    expect(await grantedBuckets()).toBe('arn:aws:s3:::runs-east');

    const east = await cli('cloud-teardown', '--s3-bucket', 'runs-east', '--region', 'us-east-1');
    expect(east.exitCode).toBe(0);
    await expect(aws.iam.send(new GetRoleCommand({ RoleName: 'npi-rates-task-role' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    await expect(aws.iam.send(new GetRoleCommand({ RoleName: 'npi-rates-execution-role' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
  });

  it('keeps a bucket that cloud-setup did not create, with its objects', async () => {
    const aws = createCloudClients({ region: 'us-east-1' });
    await aws.s3.send(new CreateBucketCommand({ Bucket: 'users-own-bucket' }));
    await aws.s3.send(new PutObjectCommand({ Bucket: 'users-own-bucket', Key: 'precious.json', Body: '{}' }));
    await runCloudSetup({ bucket: 'users-own-bucket', region: 'us-east-1' });
    const reports = await runCloudTeardown({ bucket: 'users-own-bucket', region: 'us-east-1' });
    expect(reports.at(-1)).toEqual({
      kind: 'S3 bucket', name: 'users-own-bucket', outcome: 'kept',
      detail: 'not created by cloud-setup; delete it yourself if you want it gone',
    });
    await expect(aws.s3.send(new HeadBucketCommand({ Bucket: 'users-own-bucket' }))).resolves.toBeDefined();
  });

  it('removes nothing when --s3-bucket names no bucket and this region was set up with another (a typo), and says which', async () => {
    await runCloudSetup({ bucket: 'npi-runs', region: 'us-east-1' });
    const typo = await cli('cloud-teardown', '--s3-bucket', 'npi-rnus', '--region', 'us-east-1');
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toContain(
      'the bucket npi-rnus does not exist, and cloud-setup in us-east-1 was made with npi-runs; nothing was removed ' +
        '(run npi-rates cloud-teardown --s3-bucket npi-runs --region us-east-1)',
    );
    const aws = createCloudClients({ region: 'us-east-1' });
    await expect(aws.iam.send(new GetRoleCommand({ RoleName: 'npi-rates-task-role' }))).resolves.toBeDefined();
    const clusters = await aws.ecs.send(new DescribeClustersCommand({ clusters: ['npi-rates'] }));
    expect(clusters.clusters?.map((cluster) => cluster.status)).toEqual(['ACTIVE']);
    const right = await cli('cloud-teardown', '--s3-bucket', 'npi-runs', '--region', 'us-east-1');
    expect(right.exitCode).toBe(0);
    expect(right.stderr).toContain('Removed 7 resources.');
  });

  it('keeps the bucket with --keep-bucket', async () => {
    await runCloudSetup({ bucket: 'npi-runs', region: 'us-east-1' });
    const reports = await runCloudTeardown({ bucket: 'npi-runs', region: 'us-east-1', keepBucket: true });
    expect(reports.at(-1)).toEqual({ kind: 'S3 bucket', name: 'npi-runs', outcome: 'kept', detail: '--keep-bucket' });
  });
});
