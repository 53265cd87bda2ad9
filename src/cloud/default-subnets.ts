import { DescribeSubnetsCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { NpiRatesError, EXIT_USAGE } from '../shared/errors.js';
import { awsCall } from './aws-call.js';
import type { CloudClients } from './aws-clients.js';

export interface DefaultSubnets {
  vpcId: string;
  subnetIds: string[];
}

/**
 * The default VPC's default subnets (one per availability zone, public, with a route to the
 * internet gateway), used when cloud-run gets no --subnets.
 */
export async function findDefaultSubnets(clients: CloudClients): Promise<DefaultSubnets> {
  const vpcs = await awsCall({ action: 'ec2:DescribeVpcs', resource: `default VPC in ${clients.region}` }, () =>
    clients.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] })),
  );
  const vpcId = vpcs.Vpcs?.[0]?.VpcId;
  if (!vpcId) {
    throw new NpiRatesError('NPI_RATES_NO_DEFAULT_VPC', `${clients.region} has no default VPC to run tasks in`, {
      hint: 'pass --subnets subnet-a,subnet-b (subnets that can reach the internet, or with a NAT gateway)',
      exitCode: EXIT_USAGE,
    });
  }
  const subnets = await awsCall({ action: 'ec2:DescribeSubnets', resource: `VPC ${vpcId}` }, () =>
    clients.ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'default-for-az', Values: ['true'] }] }),
    ),
  );
  const subnetIds = (subnets.Subnets ?? [])
    .map((subnet) => subnet.SubnetId)
    .filter((id): id is string => Boolean(id))
    .sort();
  if (subnetIds.length === 0) {
    throw new NpiRatesError('NPI_RATES_NO_DEFAULT_SUBNETS', `the default VPC ${vpcId} has no default subnets`, {
      hint: 'pass --subnets subnet-a,subnet-b',
      exitCode: EXIT_USAGE,
    });
  }
  return { vpcId, subnetIds };
}
