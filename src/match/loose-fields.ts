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

/**
 * A key as the schema spells it: "NPI", "Negotiated_Rates", "negotiatedRates", "npi " and
 * "billing-code" are npi, negotiated_rates, negotiated_rates, npi and billing_code.
 */
export function schemaKey(key: string): string {
  // Files use a handful of key spellings, looked up for every optional field of every price.
  let spelled = schemaKeys.get(key);
  if (spelled === undefined) {
    spelled = key
      .trim()
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toLowerCase()
      .replace(/[\s-]+/g, '_');
    if (schemaKeys.size < MAX_CACHED_KEYS) schemaKeys.set(key, spelled);
  }
  return spelled;
}

const schemaKeys = new Map<string, string>();
/** Enough for every spelling a file uses; a file of ever-new keys is only slower, not bigger. */
const MAX_CACHED_KEYS = 4096;

/** A field by its schema name; falls back to another spelling ("NPI", "npi ") with a warning. */
export function getField(object: JsonObject, name: string, warn?: Warn): unknown {
  if (name in object) return object[name];
  for (const key of Object.keys(object)) {
    if (schemaKey(key) === name) {
      // Quoted when a space is part of it, or it would not show.
      warn?.(`non-standard key ${/\s/.test(key) ? JSON.stringify(key) : key} (expected ${name})`);
      return object[key];
    }
  }
  return undefined;
}

/**
 * An array field that may hold a single value instead. Missing or null -> []. With `name` and
 * `warn`, a single value is told about.
 */
export function asArray(value: unknown, name?: string, warn?: Warn): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  if (name !== undefined) warn?.(`${name} is a single ${isObject(value) ? 'object' : 'value'}, not a list; read as a list of one`);
  return [value];
}

/**
 * A list of objects (provider_groups, negotiated_prices...) as asArray; lists inside the list
 * (`[[{...}]]`, a writer's extra nesting) are read too, with a warning naming the field.
 */
export function asObjectList(value: unknown, name: string, warn?: Warn): unknown[] {
  const items = asArray(value, name, warn);
  if (!items.some(Array.isArray)) return items;
  warn?.(`${name} holds a list inside its list; the entries of the inner list are read`);
  return items.flat(Infinity);
}

/** A text field that may be written as a number. Missing, null or empty -> null. */
export function asText(value: unknown): string | null {
  if (typeof value === 'string') {
    // A string that begins with a printable ASCII character is not blank: most are spared the trim.
    if (value.length === 0) return null;
    const first = value.charCodeAt(0);
    return first > 0x20 && first < 0x7f ? value : value.trim() === '' ? null : value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** Digits grouped by thousands with commas, the US way: "1,234", "12,345,678.90". */
const THOUSANDS_GROUPS = /^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$/;

/**
 * A numeric field that may be a string ("12.50", "$1,200.00", "88,50"). Unreadable -> null. A
 * comma is read as US thousands groups when it can be ("1,234", "12,345.67"), else as a decimal
 * comma ("88,50", "1.234,56"); "1,2,3" could mean more than one number, so it is unreadable
 * rather than 123.
 */
export function asNumber(value: unknown): number | null {
  return readNumber(value).value;
}

/** As asNumber; `reading` says how a comma was taken, for a warning (a price must not change silently). */
export function readNumber(value: unknown): { value: number | null; reading?: string } {
  if (typeof value === 'number') return { value: Number.isFinite(value) ? value : null };
  if (typeof value !== 'string') return { value: null };
  let cleaned = value.trim();
  let reading: string | undefined;
  if (cleaned.startsWith('$')) {
    cleaned = cleaned.replace(/^\$\s*/, '');
    reading = 'the $ sign dropped';
  }
  // Spaces grouping thousands, the French way ("1 234,56"), ordinary or non-breaking.
  if (SPACE_GROUPS.test(cleaned)) {
    cleaned = cleaned.replace(/[ \u00a0\u202f]/g, '');
    reading = joinReadings(reading, 'the spaces taken as thousands separators');
  }
  if (cleaned.includes(',')) {
    if (THOUSANDS_GROUPS.test(cleaned)) {
      cleaned = cleaned.replace(/,/g, '');
      reading = joinReadings(reading, 'the comma taken as a thousands separator');
    } else if (DECIMAL_COMMA.test(cleaned)) {
      cleaned = cleaned.replace(/\./g, '').replace(',', '.');
      reading = joinReadings(reading, 'the comma taken as a decimal comma');
    } else {
      return { value: null };
    }
  }
  if (cleaned === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(cleaned)) return { value: null };
  const number = Number(cleaned);
  if (!Number.isFinite(number)) return { value: null };
  return reading === undefined ? { value: number } : { value: number, reading };
}

function joinReadings(earlier: string | undefined, next: string): string {
  return earlier === undefined ? next : `${earlier}, ${next}`;
}

/** Digits grouped by thousands with spaces, then maybe a decimal part: "1 234", "12 345,67". */
const SPACE_GROUPS = /^[-+]?\d{1,3}([ \u00a0\u202f]\d{3})+([.,]\d+)?$/;

/** A decimal comma, with dots grouping thousands or none: "88,50", "0,5", "1.234,56". */
const DECIMAL_COMMA = /^[-+]?(\d{1,3}(\.\d{3})+|\d+),\d+$/;

/** What separates values written together in one element of a list (["11, 22"]). */
const ELEMENT_SEPARATOR = /[,;|]/;

/** What separates the values of a list some files write as one string ("11,22", "1, 2"). */
const LIST_SEPARATORS = /[\s,;|]+/;

/**
 * The numbers of a list written as one string ("1000000012, 1000000020"), when it holds more
 * than one and every one matches `number`; else undefined.
 */
export function numbersInOneString(text: string, number: RegExp): string[] | undefined {
  const parts = text.trim().split(LIST_SEPARATORS);
  return parts.length > 1 && parts.every((part) => number.test(part)) ? parts : undefined;
}

/**
 * A list of codes (service_code, billing_code_modifier): array, single value or missing. A code
 * holds no comma or space, so a single string like "11,22" is the list written as one string.
 * Items of an array are kept as published.
 */
export function asTextList(value: unknown, warn?: Warn, name = 'code list'): string[] {
  if (typeof value === 'string') {
    const parts = value.split(LIST_SEPARATORS).filter((part) => part !== '');
    if (parts.length > 1) warn?.(`${name} value ${JSON.stringify(value)} holds ${parts.length} values in one string; each is read`);
    return parts;
  }
  const list: string[] = [];
  for (const item of asArray(value)) {
    const text = asText(item);
    if (text === null) continue;
    // An element may hold several values too (["11, 22"]); only a comma, semicolon or bar
    // separates them there, since a list element is one value by the schema. Most hold one:
    // they are told apart without splitting (every matched price reads two lists).
    if (!ELEMENT_SEPARATOR.test(text)) {
      list.push(text.trim());
      continue;
    }
    const parts = text.split(ELEMENT_SEPARATOR).map((part) => part.trim()).filter((part) => part !== '');
    if (parts.length > 1) warn?.(`${name} value ${JSON.stringify(text)} holds ${parts.length} values in one string; each is read`);
    list.push(...(parts.length > 1 ? parts : [text.trim()]));
  }
  return list;
}

/**
 * Ids of a references list: as asIdKey; a string of several ids ("1, 2") gives each, and a list
 * inside the list ([[1], [2]]) is read too.
 */
export function asIdKeys(value: unknown, warn?: Warn, name = 'provider_references'): string[] {
  const keys: string[] = [];
  for (const item of asArray(value)) {
    if (Array.isArray(item)) {
      warn?.(`${name} holds a list inside its list (${JSON.stringify(item).slice(0, 60)}); its ids are read`);
      keys.push(...asIdKeys(item, warn, name));
      continue;
    }
    if (isObject(item)) {
      // A writer that copied the entries themselves ([{"provider_group_id": 4}]) instead of their ids.
      const id = asIdKey(getField(item, 'provider_group_id', warn));
      warn?.(
        id === null
          ? `${name} value ${JSON.stringify(item).slice(0, 60)} is an object without a provider_group_id; ignored`
          : `${name} holds objects instead of group ids; the provider_group_id of each is read`,
      );
      if (id !== null) keys.push(id);
      continue;
    }
    if (typeof item === 'string') {
      const parts = numbersInOneString(item, /^\d+$/);
      if (parts !== undefined) {
        warn?.(`${name} value ${JSON.stringify(item)} holds ${parts.length} ids in one string; each is read`);
        for (const part of parts) keys.push(asIdKey(part)!);
        continue;
      }
    }
    const key = asIdKey(item);
    if (key !== null) keys.push(key);
  }
  return keys;
}

/** An id (provider_group_id, a reference) as a string key: 11, "11" and " 11 " are one id. */
export function asIdKey(value: unknown): string | null {
  // Nearly every id is a plain JSON integer: its text is the key (a matched rate reads several).
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  const text = asText(value);
  if (text === null) return null;
  const trimmed = text.trim();
  // 11.0 and "011" are the same group as 11. Digits are kept as text, never through a double:
  // ids longer than 15 digits would round (see scan/long-integers.ts).
  const integer = /^0*(\d+?)(\.0+)?$/.exec(trimmed);
  return integer === null ? trimmed : integer[1];
}
