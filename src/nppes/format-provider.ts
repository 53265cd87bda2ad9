import type { NppesAddress, NppesProvider, NppesTaxonomy, ProviderSummary } from './nppes-types.js';

const TYPE_LABELS: Record<string, string> = { 'NPI-1': 'individual', 'NPI-2': 'organization' };

function joinWords(...words: (string | undefined)[]): string {
  return words
    .map((word) => word?.trim())
    .filter((word) => word && word !== '--')
    .join(' ');
}

/** "JANE A DOE (MD)" for a person, the organization name for an organization, as the registry spells them. */
export function providerName(provider: NppesProvider): string {
  const basic = provider.basic ?? {};
  if (basic.organization_name) return basic.organization_name.trim();
  const name = joinWords(basic.name_prefix, basic.first_name, basic.middle_name, basic.last_name, basic.name_suffix);
  const credential = basic.credential?.trim();
  if (!name) return '(no name on record)';
  return credential ? `${name} (${credential})` : name;
}

export function primaryTaxonomy(provider: NppesProvider): NppesTaxonomy | undefined {
  const taxonomies = provider.taxonomies ?? [];
  return taxonomies.find((taxonomy) => taxonomy.primary === true) ?? taxonomies[0];
}

/** The practice address (LOCATION), else the first address on record. */
export function practiceAddress(provider: NppesProvider): NppesAddress | undefined {
  const addresses = provider.addresses ?? [];
  return addresses.find((address) => address.address_purpose?.toUpperCase() === 'LOCATION') ?? addresses[0];
}

export function summarizeProvider(provider: NppesProvider): ProviderSummary {
  const address = practiceAddress(provider);
  return {
    npi: Number(provider.number),
    name: providerName(provider),
    type: provider.enumeration_type ?? 'unknown',
    specialty: primaryTaxonomy(provider)?.desc?.trim() || null,
    city: address?.city?.trim() || null,
    state: address?.state?.trim() || null,
  };
}

/** One line: NPI, name, type, specialty and city, for pick lists and summaries. */
export function formatProvider(provider: NppesProvider): string {
  const summary = summarizeProvider(provider);
  const place = [summary.city, summary.state].filter(Boolean).join(', ');
  return [String(summary.npi), summary.name, summary.type, summary.specialty ?? 'no specialty on record', place || 'no address on record'].join('  ');
}

/** "10016-1234" for a nine-digit ZIP, anything else as given. */
function formatPostalCode(code: string | undefined): string {
  const trimmed = code?.trim() ?? '';
  return /^\d{9}$/.test(trimmed) ? `${trimmed.slice(0, 5)}-${trimmed.slice(5)}` : trimmed;
}

function formatAddress(address: NppesAddress): string {
  const street = joinWords(address.address_1, address.address_2);
  const cityLine = joinWords(address.state, formatPostalCode(address.postal_code));
  return [street, address.city?.trim(), cityLine].filter(Boolean).join(', ');
}

/** Several lines: everything `npi-rates npi` shows about one provider. */
export function formatProviderDetails(provider: NppesProvider): string {
  const basic = provider.basic ?? {};
  const type = provider.enumeration_type ?? 'unknown';
  const lines = [`${provider.number}  ${providerName(provider)}`];
  lines.push(`  type:       ${type}${TYPE_LABELS[type] ? ` (${TYPE_LABELS[type]})` : ''}`);

  const taxonomies = provider.taxonomies ?? [];
  if (taxonomies.length === 0) lines.push('  specialty:  none on record');
  taxonomies.forEach((taxonomy, index) => {
    const label = index === 0 ? '  specialty:  ' : '              ';
    const marks = [taxonomy.code, taxonomy.primary ? 'primary' : undefined, taxonomy.state].filter(Boolean).join(', ');
    lines.push(`${label}${taxonomy.desc?.trim() ?? 'unnamed taxonomy'}${marks ? ` (${marks})` : ''}`);
  });

  for (const address of provider.addresses ?? []) {
    const purpose = address.address_purpose?.toUpperCase() === 'MAILING' ? 'mailing:    ' : 'practice:   ';
    const phone = address.telephone_number ? `, phone ${address.telephone_number}` : '';
    lines.push(`  ${purpose}${formatAddress(address)}${phone}`);
  }

  if (basic.authorized_official_last_name) {
    lines.push(`  official:   ${joinWords(basic.authorized_official_first_name, basic.authorized_official_last_name)}`);
  }
  const status = basic.status === 'A' ? 'active' : basic.status ? `status ${basic.status}` : 'status unknown';
  const dates = [
    basic.enumeration_date ? `enumerated ${basic.enumeration_date}` : undefined,
    basic.last_updated ? `updated ${basic.last_updated}` : undefined,
  ].filter(Boolean);
  lines.push(`  record:     ${[status, ...dates].join(', ')}`);
  return lines.join('\n');
}
