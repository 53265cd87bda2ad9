import { asObjectList, asText, asTextList, getField, isObject, readNumber, type JsonObject, type Warn } from './loose-fields.js';
import type { MatchedGroup } from './provider-group.js';
import type { TinValue } from '../search/rate-row.js';
import type { ItemHeader } from './rate-matcher.js';
import { comparableTinDigits } from './search-target.js';
import { combineHashes, hashTexts } from './row-hash.js';

/**
 * Row lines are assembled from pieces serialised once each, as UTF-8 bytes: the item's (per
 * in_network item), the provider's (per group and NPI) and the price's (per negotiated price).
 * A search can find millions of rows, and building an object or a string per row cost more
 * than the scan (and kept the garbage collector busy copying strings).
 *
 * A line is byte for byte what JSON.stringify gives for the RateRow with its fields in this
 * order (absent optional fields left out):
 *   source_file, npi, tin,                                           item.source, provider
 *   billing_code_type, billing_code, billing_code_description,
 *   negotiation_arrangement,                                         item.codes
 *   negotiated_rate, negotiated_type, billing_class, setting,
 *   expiration_date, service_code, billing_code_modifier,            price.terms
 *   network_name,                                                    provider network
 *   billing_code_type_version, name, bundled_codes,
 *   covered_services,                                                item.names
 *   service_code_wildcard, additional_information,                   price.extras
 *   occurrences                                                      always last
 */
export interface ItemParts {
  source: Buffer;
  codes: Buffer;
  names: Buffer;
  /** Of all three, for de-duplication: rows of items with different parts can never be equal. */
  hash: number;
}

interface PriceParts {
  terms: string;
  extras: string;
  hash: number;
}

const ENDING_ONCE = Buffer.from(',"occurrences":1}\n');

/** The end of a row's line: its occurrences, the row object's closing brace and the newline. */
export function lineEnding(occurrences: number): Buffer {
  return occurrences === 1 ? ENDING_ONCE : Buffer.from(`,"occurrences":${occurrences}}\n`);
}

/** The pieces of an item's rows that come from the file and the item header. */
export function itemParts(sourceFile: string, header: ItemHeader): ItemParts {
  let names = '';
  if (header.billing_code_type_version) names += `,"billing_code_type_version":${JSON.stringify(header.billing_code_type_version)}`;
  if (header.name) names += `,"name":${JSON.stringify(header.name)}`;
  if (header.bundled_codes) names += `,"bundled_codes":${JSON.stringify(header.bundled_codes)}`;
  if (header.covered_services) names += `,"covered_services":${JSON.stringify(header.covered_services)}`;
  const source = `{"source_file":${JSON.stringify(sourceFile)}`;
  const codes =
    `,"billing_code_type":${JSON.stringify(header.billing_code_type)}` +
    `,"billing_code":${JSON.stringify(header.billing_code ?? '')}` +
    `,"billing_code_description":${JSON.stringify(header.description)}` +
    `,"negotiation_arrangement":${JSON.stringify(header.negotiation_arrangement)}`;
  return { source: Buffer.from(source), codes: Buffer.from(codes), names: Buffer.from(names), hash: hashTexts([source, codes, names]) };
}

/** Where addRateRows puts each row: the row's own pieces, in line order, and their hash. */
export interface RowPiecesSink {
  add(provider: Uint8Array, terms: string, network: Uint8Array, extras: string, piecesHash: number): void;
}

/**
 * Gives `rows` one row per (matched group, NPI, negotiated price) of a rate, in that nesting
 * order: the pieces that are the row's own (provider, price terms, network, price extras) and
 * their combined hash. The item's pieces go around them once the item is complete (item-rows.ts).
 * Each price is read once, when the first row needs it.
 */
export function addRateRows(rate: JsonObject, groups: readonly MatchedGroup[], warn: Warn, rows: RowPiecesSink): void {
  const prices = asObjectList(getField(rate, 'negotiated_prices', warn), 'negotiated_prices', warn);
  if (!prices.some(isObject) && groups.some((group) => group.npis.length > 0)) {
    // The provider is in the network for the item, but the file gives no price to report.
    warn('a rate for a searched provider has no negotiated_prices (missing, null or empty); it gives no row');
    return;
  }
  let parts: Array<PriceParts | undefined> | undefined;
  for (const group of groups) {
    if (group.npis.length === 0) continue;
    parts ??= prices.map((price) => (isObject(price) ? priceParts(price, warn) : undefined));
    const { network, providers } = groupParts(group);
    for (const provider of providers) {
      for (const price of parts) {
        if (price !== undefined) rows.add(provider.bytes, price.terms, network, price.extras, combineHashes(provider.hash, price.hash));
      }
    }
  }
}

interface GroupParts {
  network: Buffer;
  /** One per NPI of the group: `,"npi":…,"tin":…` and its hash with `network`. */
  providers: Array<{ bytes: Buffer; hash: number }>;
}

/**
 * A referenced group matches rate after rate, so its pieces are serialised once and kept with it
 * (a matched group is complete before any rate can reach it, and never changes after).
 */
const partsOfGroup = new WeakMap<MatchedGroup, GroupParts>();

function groupParts(group: MatchedGroup): GroupParts {
  let parts = partsOfGroup.get(group);
  if (parts === undefined) {
    const network = group.networkNames === undefined ? '' : `,"network_name":${JSON.stringify(group.networkNames)}`;
    const tin = JSON.stringify(group.tin);
    // The row shows the TIN as published; two rows that differ only in how it is written
    // (11-1000001, 111000001, type EIN or ein) are one row (BUG-07), so the hash takes its digits.
    const tinKey = JSON.stringify(comparableTin(group.tin));
    const providers = group.npis.map((npi) => {
      const text = `,"npi":${npi},"tin":${tin}`;
      return { bytes: Buffer.from(text), hash: hashTexts([`,"npi":${npi},"tin":${tinKey}`, network]) };
    });
    parts = { network: Buffer.from(network), providers };
    partsOfGroup.set(group, parts);
  }
  return parts;
}

/** A TIN as rows are compared: its type in lower case, and a value of digits and dashes as digits. */
function comparableTin(tin: TinValue): TinValue {
  const type = tin.type === null ? null : tin.type.trim().toLowerCase();
  const value = tin.value !== null && /^[\d\s-]+$/.test(tin.value) ? comparableTinDigits(tin.value) : tin.value;
  return { ...tin, type, value };
}

function priceParts(price: JsonObject, warn: Warn): PriceParts {
  const rawRate = getField(price, 'negotiated_rate', warn);
  const { value: negotiatedRate, reading } = readNumber(rawRate);
  if (reading !== undefined) warn(`negotiated_rate ${JSON.stringify(rawRate)} read as ${negotiatedRate}, ${reading}`);
  if (negotiatedRate === null && rawRate !== undefined && rawRate !== null) {
    // A number beyond a double's range (1e400) reads as Infinity, which JSON.stringify would show as null.
    // JSON.parse read it as Infinity; the digits as written are gone by then.
    const problem = typeof rawRate === 'number' ? 'is a number too large to hold (beyond 1.8e308, such as 1e400)' : `${JSON.stringify(rawRate)} is not a number`;
    warn(`negotiated_rate ${problem}; reported as null`);
  } else if (negotiatedRate === null) {
    warn('a negotiated price has no negotiated_rate (missing or null); reported as null');
  }
  const serviceCodes = asTextList(getField(price, 'service_code', warn), warn, 'service_code');
  const negotiatedType = asText(getField(price, 'negotiated_type', warn));
  if (negotiatedType === null) warn('a negotiated price has no negotiated_type, so what its rate means (dollars, percentage, per diem) is unknown');
  const billingClass = asText(getField(price, 'billing_class', warn));
  const setting = asText(getField(price, 'setting', warn));
  const expirationDate = asText(getField(price, 'expiration_date', warn));
  const modifiers = asTextList(getField(price, 'billing_code_modifier', warn), warn, 'billing_code_modifier');
  const rawInformation = getField(price, 'additional_information', warn);
  // Free text by the schema; an object or a list is kept as its JSON rather than dropped.
  const additionalInformation = typeof rawInformation === 'object' && rawInformation !== null ? JSON.stringify(rawInformation) : asText(rawInformation);
  // Each value as JSON, in line order; an absent optional field is ''. The keys around them are
  // the same in every row (the wildcard flag follows from service_code), so the price's share
  // of the row hash is taken from the values alone.
  const values = [
    JSON.stringify(negotiatedRate),
    JSON.stringify(negotiatedType),
    JSON.stringify(billingClass),
    setting === null ? '' : JSON.stringify(setting),
    JSON.stringify(expirationDate),
    JSON.stringify(serviceCodes),
    JSON.stringify(modifiers),
    additionalInformation === null ? '' : JSON.stringify(additionalInformation),
  ];
  let terms = `,"negotiated_rate":${values[0]},"negotiated_type":${values[1]},"billing_class":${values[2]}`;
  if (values[3] !== '') terms += `,"setting":${values[3]}`;
  terms += `,"expiration_date":${values[4]},"service_code":${values[5]},"billing_code_modifier":${values[6]}`;
  let extras = serviceCodes.includes('CSTM-00') ? ',"service_code_wildcard":true' : '';
  if (values[7] !== '') extras += `,"additional_information":${values[7]}`;
  return { terms, extras, hash: hashTexts(values) };
}
