/**
 * Forgiving readers for hand-made index files, built on the MRF ones (src/match/loose-fields.ts):
 * key case varies, numbers arrive as strings and strings as numbers, and a single object stands
 * where the schema wants an array.
 */
import { asText, getField, isObject, type JsonObject } from '../match/loose-fields.js';

export { isObject };
export type LooseObject = JsonObject;

/** `object[name]`, or else the first key equal to `name` ignoring letter case. */
export function fieldOf(object: LooseObject, name: string): unknown {
  return getField(object, name.toLowerCase());
}

/** Strings trimmed, numbers and booleans as their text; anything else (or an empty string) is null. */
export function textOf(value: unknown): string | null {
  return asText(typeof value === 'bigint' ? String(value) : value)?.trim() ?? null;
}

/**
 * The elements of a value the schema says is an array. A lone object, or a lone text (a bare
 * URL), counts as a one-element array (`wasObject` / `wasText` tell the caller so it can warn);
 * null, absent or other values give [].
 */
export function listOf(value: unknown): { items: unknown[]; wasObject: boolean; wasText: boolean } {
  if (Array.isArray(value)) return { items: value, wasObject: false, wasText: false };
  if (isObject(value)) return { items: [value], wasObject: true, wasText: false };
  if (typeof value === 'string' && value.trim() !== '') return { items: [value], wasObject: false, wasText: true };
  return { items: [], wasObject: false, wasText: false };
}
