import type { RateRow } from '../search/rate-row.js';

/** Every output field but `occurrences` and the per-file metadata, in a fixed order. */
export function rowKey(row: RateRow): string {
  return JSON.stringify([
    row.npi,
    row.tin.type,
    row.tin.value,
    row.tin.business_name,
    row.network_name,
    row.billing_code_type,
    row.billing_code_type_version,
    row.billing_code,
    row.billing_code_description,
    row.name,
    row.negotiation_arrangement,
    row.negotiated_rate,
    row.negotiated_type,
    row.billing_class,
    row.setting,
    row.expiration_date,
    row.service_code,
    row.billing_code_modifier,
    row.additional_information,
  ]);
}

const INITIAL_SLOTS = 1 << 12;

/**
 * Remembers which rows a file has already produced, in 8 bytes per row: each key is reduced to
 * a 52-bit hash kept in an open-addressing Float64Array (a JS Set of strings would cost ~100
 * bytes per row, and a search matching 5% of a big file's groups yields millions of rows).
 * Two different rows share a 52-bit hash with odds of about 1 in 10^9 at a million rows.
 */
export class RowDeduper {
  private slots = new Float64Array(INITIAL_SLOTS);
  private count = 0;

  /** True the first time a key is seen. */
  admit(key: string): boolean {
    // 0 marks an empty slot, so hashes are offset by one.
    const hash = hashKey(key) + 1;
    if (!this.insert(this.slots, hash)) return false;
    this.count++;
    if (this.count * 2 > this.slots.length) this.grow();
    return true;
  }

  private insert(slots: Float64Array, hash: number): boolean {
    const mask = slots.length - 1;
    let index = hash % slots.length & mask;
    while (slots[index] !== 0) {
      if (slots[index] === hash) return false;
      index = (index + 1) & mask;
    }
    slots[index] = hash;
    return true;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    for (const hash of old) if (hash !== 0) this.insert(this.slots, hash);
  }
}

/** Two 32-bit FNV-1a variants over UTF-16 code units, combined into 52 bits. */
function hashKey(key: string): number {
  let low = 0x811c9dc5;
  let high = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    low = Math.imul(low ^ code, 0x01000193);
    high = Math.imul(high ^ code, 0x5bd1e995) ^ (high >>> 15);
  }
  return (high >>> 0) % 0x100000 * 0x100000000 + (low >>> 0);
}
