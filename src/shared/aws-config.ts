/**
 * Settings shared by every AWS SDK client the tool creates. Tests (and users of S3-compatible
 * stores) point all clients at one endpoint with NPI_RATES_AWS_ENDPOINT or the SDK's own
 * AWS_ENDPOINT_URL; path-style S3 addressing is then used, as such endpoints need.
 */
export interface AwsClientConfig {
  region: string;
  endpoint?: string;
  forcePathStyle?: boolean;
}

export function awsClientConfig(region?: string): AwsClientConfig {
  const endpoint = process.env.NPI_RATES_AWS_ENDPOINT || process.env.AWS_ENDPOINT_URL || undefined;
  const resolvedRegion =
    region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1';
  return endpoint
    ? { region: resolvedRegion, endpoint, forcePathStyle: true }
    : { region: resolvedRegion };
}
