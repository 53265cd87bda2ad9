/**
 * Real MRFs break the schema everywhere: keys in other capitalisations, numbers written as
 * strings, single values where arrays belong. Every read of a parsed MRF object goes through
 * these helpers, so each kind of deviation is handled once for every field.
 */
export type JsonObject = Record<string, unknown>;
export type Warn = (message: string) => void;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field by its schema name; falls back to another capitalisation ("NPI") with a warning. */
export function getField(object: JsonObject, name: string, warn?: Warn): unknown {
  if (name in object) return object[name];
  for (const key of Object.keys(object)) {
    if (key.toLowerCase() === name) {
      warn?.(`non-standard key ${key} (expected ${name})`);
      return object[key];
    }
  }
  return undefined;
}

/** An array field that may hold a single value instead. Missing or null -> []. */
export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** A text field that may be written as a number. Missing, null or empty -> null. */
export function asText(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** A numeric field that may be a string ("12.50", "$1,200.00"). Unreadable -> null. */
export function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const cleaned = value.trim().replace(/^\$/, '').replace(/,/g, '');
  if (cleaned === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(cleaned)) return null;
  return Number(cleaned);
}

/** A list of codes (service_code, billing_code_modifier): array, single value or missing. */
export function asTextList(value: unknown): string[] {
  const list: string[] = [];
  for (const item of asArray(value)) {
    const text = asText(item);
    if (text !== null) list.push(text.trim());
  }
  return list;
}

/** An id (provider_group_id, a reference) as a string key: 11, "11" and " 11 " are one id. */
export function asIdKey(value: unknown): string | null {
  const text = asText(value);
  if (text === null) return null;
  const trimmed = text.trim();
  // 11.0 and "011" are the same group as 11.
  return /^\d+(\.0+)?$/.test(trimmed) ? String(Number(trimmed)) : trimmed;
}
