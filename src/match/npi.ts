import { usageError } from '../shared/errors.js';

/**
 * NPIs are 10 digits whose last digit is a Luhn check digit computed over "80840" + the first
 * nine (the ISO card-issuer prefix for US health). Anything but 10 digits is refused; a failed
 * check digit only warns, since the CMS examples and many test files use made-up NPIs.
 */
export function hasValidNpiCheckDigit(npi: string): boolean {
  const digits = `80840${npi}`;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = digits.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

export interface ParsedNpis {
  npis: number[];
  warnings: string[];
}

/** Parses repeatable, comma-separated --npi values. Throws a usage error naming a bad value. */
export function parseNpiList(values: readonly string[]): ParsedNpis {
  const npis: number[] = [];
  const warnings: string[] = [];
  for (const value of values) {
    for (const part of value.split(',')) {
      const text = part.trim();
      if (text === '') continue;
      if (!/^\d{10}$/.test(text) || /^0+$/.test(text)) {
        throw usageError(
          'NPI_RATES_BAD_NPI',
          `--npi "${text}" is not an NPI: an NPI is exactly 10 digits (and never all zeros)`,
          'check the number in the NPI Registry, or use --tin for a TIN-only contract',
        );
      }
      if (!hasValidNpiCheckDigit(text)) {
        warnings.push(`NPI ${text} fails its check digit; searching for it anyway`);
      }
      const npi = Number(text);
      if (!npis.includes(npi)) npis.push(npi);
    }
  }
  return { npis, warnings };
}
