/**
 * What a table-of-contents (index) file says, reduced to what npi-rates needs: which rate files
 * exist and which reporting plans point at them. Values are kept as published, turned into text
 * (a plan id given as a number becomes its decimal string); absent values are null.
 */
export interface TocPlan {
  plan_name: string | null;
  plan_id: string | null;
  /** "ein" or "hios" as published (lower-cased). */
  plan_id_type: string | null;
  /** "group" or "individual" as published (lower-cased). */
  plan_market_type: string | null;
  /** Schema 2.x only. */
  issuer_name?: string;
}

export interface TocFile {
  url: string;
  /** The description given where the URL first appeared. */
  description?: string;
  /** The reporting plans (among those the filters selected) whose structures list this file. */
  plans: TocPlan[];
}

/** Every filter given must hold for a plan; a structure is used when one of its plans qualifies. */
export interface TocFilters {
  /** HIOS id or EIN; dashes, spaces and letter case are ignored on both sides. */
  planId?: string;
  /** Tested against plan_name. */
  planName?: RegExp;
  market?: 'group' | 'individual';
}

export interface TocListing {
  /** In-network rate files, each URL once, in order of first appearance. */
  files: TocFile[];
  /** Allowed-amount files of the same structures, each URL once. */
  allowedAmountFiles: TocFile[];
  /** Non-fatal findings, each distinct message once (repeats are counted in the text). */
  warnings: string[];
  /** In-network file entries that could not be listed (no location, a scheme no source reads), each with why. */
  skippedFiles: string[];
  reportingEntityName?: string;
  /** How many reporting_structure elements the file held, and how many the filters kept. */
  structuresSeen: number;
  structuresSelected: number;
}
