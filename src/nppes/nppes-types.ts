/**
 * The NPPES NPI Registry API v2.1 response, as far as npi-rates reads it. Every field is optional
 * because the registry leaves out what a record lacks, and `number` arrives as a string or a
 * number depending on the endpoint's mood.
 */
export interface NppesResponse {
  result_count?: number;
  results?: NppesProvider[];
  /** Present instead of results when the query was refused. */
  Errors?: { description?: string; field?: string; number?: string }[];
}

export interface NppesProvider {
  number: string | number;
  /** "NPI-1" (an individual) or "NPI-2" (an organization). */
  enumeration_type?: string;
  basic?: NppesBasic;
  addresses?: NppesAddress[];
  taxonomies?: NppesTaxonomy[];
  [other: string]: unknown;
}

export interface NppesBasic {
  first_name?: string;
  last_name?: string;
  middle_name?: string;
  name_prefix?: string;
  name_suffix?: string;
  credential?: string;
  /** Organizations (NPI-2). */
  organization_name?: string;
  /** "A" when active. */
  status?: string;
  enumeration_date?: string;
  last_updated?: string;
  authorized_official_first_name?: string;
  authorized_official_last_name?: string;
  [other: string]: unknown;
}

export interface NppesAddress {
  /** "LOCATION" (practice) or "MAILING". */
  address_purpose?: string;
  address_1?: string;
  address_2?: string;
  city?: string;
  state?: string;
  postal_code?: string;
  country_code?: string;
  telephone_number?: string;
  [other: string]: unknown;
}

export interface NppesTaxonomy {
  code?: string;
  desc?: string;
  primary?: boolean;
  state?: string;
  license?: string;
  [other: string]: unknown;
}

/** The fields of a registry query npi-rates sends; all optional, at least one name or number is needed. */
export interface ProviderQuery {
  firstName?: string;
  lastName?: string;
  organizationName?: string;
  state?: string;
  city?: string;
  postalCode?: string;
  /** Matched by the registry against taxonomy descriptions, e.g. "cardiology". */
  taxonomyDescription?: string;
  enumerationType?: 'NPI-1' | 'NPI-2';
  /** Results wanted, 1 to 200 (the registry's maximum). @default 50 */
  limit?: number;
}

/** A provider reduced to what lists and summaries show. */
export interface ProviderSummary {
  npi: number;
  name: string;
  /** "NPI-1" or "NPI-2". */
  type: string;
  /** Description of the primary taxonomy (or the first one); null when the record has none. */
  specialty: string | null;
  city: string | null;
  state: string | null;
}
