/** What cloud-setup did with one resource. */
export type SetupOutcome = 'created' | 'updated' | 'found';
/** What cloud-teardown did with one resource. */
export type TeardownOutcome = 'removed' | 'not found' | 'kept';

export interface ResourceReport<Outcome extends string> {
  /** Kind of resource, as people call it: "S3 bucket", "IAM role", ... */
  kind: string;
  name: string;
  outcome: Outcome;
  /** Why it was updated or kept, or what was found. */
  detail?: string;
}

export type SetupReport = ResourceReport<SetupOutcome>;
export type TeardownReport = ResourceReport<TeardownOutcome>;

/** One aligned line per resource: `created  S3 bucket        my-bucket (detail)`. */
export function formatReportLine(report: ResourceReport<string>): string {
  const detail = report.detail ? ` (${report.detail})` : '';
  return `${report.outcome.padEnd(9)} ${report.kind.padEnd(19)} ${report.name}${detail}`;
}
