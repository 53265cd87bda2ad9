import { describe, expect, it } from 'vitest';
import { formatProvider, formatProviderDetails, summarizeProvider } from '../../src/nppes/format-provider.js';
import { FAKE_PROVIDERS } from '../helpers/fake-npi-registry.js';

const [janeDoeMd, , , , clinic] = FAKE_PROVIDERS;

describe('formatProvider', () => {
  it('shows NPI, name with credential, type, primary specialty and practice city', () => {
    expect(formatProvider(janeDoeMd)).toBe('1000000012  JANE A DOE (MD)  NPI-1  Internal Medicine  NEW YORK, NY');
    expect(formatProvider(clinic)).toBe('2000000010  DOE FAMILY CLINIC LLC  NPI-2  Clinic/Center, Primary Care  NEW YORK, NY');
  });

  it('says what is missing from a sparse record', () => {
    expect(formatProvider({ number: '1000000038' })).toBe(
      '1000000038  (no name on record)  unknown  no specialty on record  no address on record',
    );
    expect(summarizeProvider({ number: '1000000038', taxonomies: [{ desc: 'Dentist' }] }).specialty).toBe('Dentist');
  });
});

describe('formatProviderDetails', () => {
  it('lists every taxonomy, both addresses and the record status', () => {
    expect(formatProviderDetails(janeDoeMd)).toBe(
      [
        '1000000012  JANE A DOE (MD)',
        '  type:       NPI-1 (individual)',
        '  specialty:  Internal Medicine, Cardiovascular Disease (207RC0000X, NY)',
        '              Internal Medicine (207R00000X, primary, NY)',
        '  mailing:    PO BOX 100, NEW YORK, NY 10001-0100, phone 555-010-0000',
        '  practice:   100 MAIN ST, NEW YORK, NY 10016-1234, phone 555-010-0000',
        '  record:     active, enumerated 2010-01-15, updated 2023-06-01',
      ].join('\n'),
    );
  });

  it('names the authorized official of an organization', () => {
    expect(formatProviderDetails(clinic).split('\n')).toContain('  official:   JANE DOE');
  });
});
