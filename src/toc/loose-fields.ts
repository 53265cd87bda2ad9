/**
 * Forgiving readers for hand-made index files: key case varies, numbers arrive as strings and
 * strings as numbers, and a single object stands where the schema wants an array.
 */

export type LooseObject = Record<string, unknown>;

export function isObject(value: unknown): value is LooseObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `object[name]`, or else the first key equal to `name` ignoring letter case. */
export function fieldOf(object: LooseObject, name: string): unknown {
  if (name in object) return object[name];
  const lowerName = name.toLowerCase();
  for (const key of Object.keys(object)) {
    if (key.toLowerCase() === lowerName) return object[key];
  }
  return undefined;
}

/** Strings trimmed, numbers and booleans as their text; anything else (or an empty string) is null. */
export function textOf(value: unknown): string | null {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  }
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return String(value);
  return null;
}

/**
 * The elements of a value the schema says is an array. A lone object counts as a one-element
 * array (`wasObject` tells the caller so it can warn); null, absent or scalar values give [].
 */
export function listOf(value: unknown): { items: unknown[]; wasObject: boolean } {
  if (Array.isArray(value)) return { items: value, wasObject: false };
  if (isObject(value)) return { items: [value], wasObject: true };
  return { items: [], wasObject: false };
}
