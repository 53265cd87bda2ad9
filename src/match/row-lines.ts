import { asArray, asNumber, asText, asTextList, getField, isObject, type JsonObject, type Warn } from './loose-fields.js';
import type { MatchedGroup } from './provider-group.js';
import type { ItemHeader } from './rate-matcher.js';
import { combineHashes, hashText } from './row-hash.js';

/**
 * Row lines are assembled from pieces serialised once each: the item's (per in_network item),
 * the provider's (per group and NPI) and the price's (per negotiated price). A search can find
 * millions of rows, and building an object per row only to serialise it cost more than the scan.
 *
 * A line is byte for byte what JSON.stringify gives for the RateRow with its fields in this
 * order (absent optional fields left out):
 *   source_file, npi, tin,                                           item.source, provider
 *   billing_code_type, billing_code, billing_code_description,
 *   negotiation_arrangement,                                         item.codes
 *   negotiated_rate, negotiated_type, billing_class, setting,
 *   expiration_date, service_code, billing_code_modifier,            price.terms
 *   network_name,                                                    provider network
 *   billing_code_type_version, name,                                 item.names
 *   service_code_wildcard, additional_information,                   price.extras
 *   occurrences                                                      always last
 */
export interface ItemParts {
  source: string;
  codes: string;
  names: string;
  /** Of all three, for de-duplication. */
  hash: number;
}

interface PriceParts {
  terms: string;
  extras: string;
  hash: number;
}

const ENDING_ONCE = ',"occurrences":1}\n';

/** The end of a row's line: its occurrences, the row object's closing brace and the newline. */
export function lineEnding(occurrences: number): string {
  return occurrences === 1 ? ENDING_ONCE : `,"occurrences":${occurrences}}\n`;
}

/** The pieces of an item's rows that come from the file and the item header. */
export function itemParts(sourceFile: string, header: ItemHeader): ItemParts {
  let names = '';
  if (header.billing_code_type_version) names += `,"billing_code_type_version":${JSON.stringify(header.billing_code_type_version)}`;
  if (header.name) names += `,"name":${JSON.stringify(header.name)}`;
  const source = `{"source_file":${JSON.stringify(sourceFile)}`;
  const codes =
    `,"billing_code_type":${JSON.stringify(header.billing_code_type)}` +
    `,"billing_code":${JSON.stringify(header.billing_code ?? '')}` +
    `,"billing_code_description":${JSON.stringify(header.description)}` +
    `,"negotiation_arrangement":${JSON.stringify(header.negotiation_arrangement)}`;
  return { source, codes, names, hash: hashText(source + codes + names) };
}

/**
 * Calls `addRow` once per (matched group, NPI, negotiated price) of a rate, in that nesting
 * order, with the row's line cut in two (its line is head + tail + lineEnding) and the line's
 * hash. Each price is read once, when the first row needs it.
 */
export function addRateRows(
  item: ItemParts,
  rate: JsonObject,
  groups: readonly MatchedGroup[],
  warn: Warn,
  addRow: (head: string, tail: string, hash: number) => void,
): void {
  const prices = asArray(getField(rate, 'negotiated_prices', warn));
  let parts: Array<PriceParts | undefined> | undefined;
  for (const group of groups) {
    if (group.npis.length === 0) continue;
    parts ??= prices.map((price) => (isObject(price) ? priceParts(price, warn) : undefined));
    const network = networkPart(group.networkNames);
    const tin = JSON.stringify(group.tin);
    const tails = parts.map((price) => price && { text: price.terms + network + item.names + price.extras, hash: price.hash });
    for (const npi of group.npis) {
      const provider = `,"npi":${npi},"tin":${tin}`;
      const head = item.source + provider + item.codes;
      const providerHash = combineHashes(item.hash, hashText(provider + network));
      for (const tail of tails) {
        if (tail !== undefined) addRow(head, tail.text, combineHashes(providerHash, tail.hash));
      }
    }
  }
}

function networkPart(networkNames: string[] | undefined): string {
  return networkNames === undefined ? '' : `,"network_name":${JSON.stringify(networkNames)}`;
}

function priceParts(price: JsonObject, warn: Warn): PriceParts {
  const rawRate = getField(price, 'negotiated_rate', warn);
  const negotiatedRate = asNumber(rawRate);
  if (negotiatedRate === null && rawRate !== undefined && rawRate !== null) {
    warn(`negotiated_rate ${JSON.stringify(rawRate)} is not a number; reported as null`);
  }
  const serviceCodes = asTextList(getField(price, 'service_code', warn));
  const negotiatedType = asText(getField(price, 'negotiated_type', warn));
  const billingClass = asText(getField(price, 'billing_class', warn));
  const setting = asText(getField(price, 'setting', warn));
  const expirationDate = asText(getField(price, 'expiration_date', warn));
  const modifiers = asTextList(getField(price, 'billing_code_modifier', warn));
  const additionalInformation = asText(getField(price, 'additional_information', warn));
  // Each value as JSON, in line order; an absent optional field is ''.
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
  return { terms, extras, hash: hashValues(values) };
}

/**
 * The price's share of a row's hash, from its values alone: the keys around them are the same
 * in every row (the wildcard flag follows from service_code), so equal values mean equal text.
 */
function hashValues(values: readonly string[]): number {
  let hash = 0;
  for (const value of values) hash = hashText(value, hash);
  return hash;
}
