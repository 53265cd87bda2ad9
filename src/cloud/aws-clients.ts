import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import { awsClientConfig } from '../shared/aws-config.js';
import { s3Client } from './s3-results.js';

/** The SDK clients the cloud commands use, all for one region. */
export interface CloudClients {
  region: string;
  s3: S3Client;
  ecs: ECSClient;
  iam: IAMClient;
  ecr: ECRClient;
  logs: CloudWatchLogsClient;
  ec2: EC2Client;
}

export interface CloudClientOptions {
  region?: string;
  /**
   * ECS alone at another endpoint (NPI_RATES_ECS_ENDPOINT): the tests run tasks on a local fake
   * ECS server while every other service stays on the AWS emulator.
   */
  ecsEndpoint?: string;
}

export function createCloudClients(options: CloudClientOptions = {}): CloudClients {
  const config = awsClientConfig(options.region);
  const ecsEndpoint = options.ecsEndpoint ?? (process.env.NPI_RATES_ECS_ENDPOINT || undefined);
  return {
    region: config.region,
    s3: s3Client(config.region),
    ecs: new ECSClient(ecsEndpoint ? { ...config, endpoint: ecsEndpoint } : config),
    iam: new IAMClient(config),
    ecr: new ECRClient(config),
    logs: new CloudWatchLogsClient(config),
    ec2: new EC2Client(config),
  };
}

/** ARN partition of a region: aws, aws-cn or aws-us-gov. */
export function arnPartition(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
