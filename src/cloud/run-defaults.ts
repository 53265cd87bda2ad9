/** Defaults of cloud-run, apart from its implementation so the CLI can show them without loading the AWS SDK. */
export const DEFAULT_URLS_PER_TASK = 5;
export const DEFAULT_WORKERS_PER_TASK = 2;
export const DEFAULT_MAX_ATTEMPTS = 3;
export const DEFAULT_ESTIMATE_MINUTES = 30;
