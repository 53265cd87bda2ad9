import { NpiRatesError, EXIT_FILES_FAILED } from '../shared/errors.js';

export interface ScanErrorDetails {
  sourceName: string;
  /** Decompressed byte offset from the start of the document. */
  offset: number;
  /** JSON path being read, e.g. in_network[3].negotiated_rates[12]. */
  path: string;
  /** Walker state name, for bug reports. */
  state: string;
  problem: string;
}

/** Bad JSON in an input file: names the file, the byte offset, the path and what was wrong. */
export class ScanError extends NpiRatesError {
  readonly offset: number;
  readonly jsonPath: string;

  constructor(code: string, details: ScanErrorDetails) {
    const where = details.path ? ` in ${details.path}` : '';
    super(
      code,
      `${details.sourceName}: ${details.problem} at byte ${details.offset} (decompressed)${where}`,
      {
        exitCode: EXIT_FILES_FAILED,
        hint: 'the file is damaged or not an MRF; download it again or report it to the publisher',
        details: { ...details },
      },
    );
    this.offset = details.offset;
    this.jsonPath = details.path;
  }
}
