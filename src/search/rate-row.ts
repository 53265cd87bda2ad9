/**
 * One output row: one (in-network item, negotiated rate, provider group + TIN, negotiated price,
 * NPI). Field names follow the Go tool this project mirrors, so its users' parsers keep working.
 */
export interface TinValue {
  /** "ein" or "npi" as published; null when the file gave a bare string or nothing. */
  type: string | null;
  /** The value exactly as published (dash kept); null when absent. */
  value: string | null;
  business_name?: string;
}

/** One entry of an item's bundled_codes or covered_services: billing_code_type, billing_code, ... */
export type ItemCode = Record<string, unknown>;

export interface RateRow {
  source_file: string;
  reporting_entity_name?: string;
  last_updated_on?: string;
  npi: number;
  tin: TinValue;
  network_name?: string[];
  billing_code_type: string | null;
  billing_code_type_version?: string;
  billing_code: string;
  billing_code_description: string | null;
  name?: string;
  /** A bundle item's codes (negotiation_arrangement "bundle"), as published. */
  bundled_codes?: ItemCode[];
  /** A capitation item's services, as published. */
  covered_services?: ItemCode[];
  negotiation_arrangement: string | null;
  /** Dollars, percent or per-diem amount: read `negotiated_type` to know which. */
  negotiated_rate: number | null;
  negotiated_type: string | null;
  billing_class: string | null;
  setting?: string;
  expiration_date: string | null;
  /** Always an array; [] when the file left it out. */
  service_code: string[];
  /** True when service_code holds CSTM-00, "all places of service". */
  service_code_wildcard?: boolean;
  billing_code_modifier: string[];
  additional_information?: string;
  /** How many identical rows the file held (written once). */
  occurrences: number;
  /** Set when the row comes from a file that failed part-way (truncated, say). */
  from_incomplete_file?: boolean;
}

/**
 * The rows of one in_network item as the journal holds them: each row's RateRow JSON on a line
 * of its own, ending in '\n', without the file's metadata (spliced in after source_file by the
 * final output), `occurrences` last; UTF-8.
 */
export interface RowBlock {
  bytes: Uint8Array;
  /** How many rows (lines) `text` holds. */
  count: number;
}

export interface SearchMessage {
  source_file: string;
  message: string;
  code?: string;
}

export interface SearchParams {
  npis: number[];
  tins?: string[];
  billing_codes?: string[];
  searched_files: number;
  matched_files: number;
  duration_seconds: number;
  incomplete?: boolean;
}

/** The whole output document of `search` (and of `merge`). */
export interface SearchOutput {
  search_params: SearchParams;
  results: RateRow[];
  errors: SearchMessage[];
  warnings: SearchMessage[];
}
