/**
 * JSON allows an object to repeat a key, and JSON.parse keeps only the last value. Some MRF
 * writers repeat one (`{"npi": [B], "npi": [C]}`, two `negotiated_prices` in a rate), so the
 * providers or prices of the first would be lost without a word. A fragment that may repeat a
 * key is parsed again here, merging the values: lists are joined, objects merged member by
 * member, and of two other values the last is kept, as JSON.parse does.
 */

/** Keys a negotiated rate or a provider_references entry holds once: a second one is a repeat. */
const SINGLE_KEYS = ['"negotiated_prices"', '"provider_references"', '"provider_groups"'];

/**
 * Whether `text` (a rate or a provider_references entry) may repeat a key that matters: one of
 * SINGLE_KEYS twice, or more `"npi"` keys than `"tin"` keys (a group has one of each). Cheap, and
 * never wrong the other way: a false alarm (an entry that is a list of entries) only costs the
 * slower parse.
 */
export function mayRepeatKeys(text: string): boolean {
  for (const key of SINGLE_KEYS) {
    const first = text.indexOf(key);
    if (first >= 0 && text.indexOf(key, first + key.length) >= 0) return true;
  }
  return mayRepeatNpiKey(text);
}

/**
 * The part of mayRepeatKeys for the groups inside: more `"npi"` keys than `"tin"` keys. The rate
 * filter checks the members of a rate itself while it reads it, so a rate it hands over needs
 * only this, and only when it has groups inline (scanning every matched rate's text four times
 * cost 1.7 µs a rate, 10% of a search that matches a quarter of all rates).
 */
export function mayRepeatNpiKey(text: string): boolean {
  return text.includes('"npi"') && occurrences(text, '"npi"') > occurrences(text, '"tin"');
}

function occurrences(text: string, key: string): number {
  let count = 0;
  for (let at = text.indexOf(key); at >= 0; at = text.indexOf(key, at + key.length)) count++;
  return count;
}

export interface MergedParse {
  value: unknown;
  /** Each key that was repeated in one object, once. */
  repeatedKeys: string[];
  /** Of those, the keys whose copies were lists or objects, so their values were joined. */
  joinedKeys: string[];
  /**
   * Repeats of a single value that differed (the last is kept): what a reader must be told, with
   * the path of the object inside the parsed value (`negotiated_prices[0]`; [] for the value itself).
   */
  differingValues: Array<{ key: string; earlier: unknown; later: unknown; within: Array<string | number> }>;
}

/**
 * Whether a parsed rate may have lost a repeated key anywhere in it (a price's negotiated_rate
 * written twice, say): its text writes more key ends (`":`) than the parsed value holds keys. A
 * string value holding `":` is a false alarm, which only costs the slower parse; a key written
 * with a space before its colon is not counted, so such a repeat is not caught.
 */
export function hasMoreKeysThanParsed(text: string, value: unknown): boolean {
  // Colons are rarer than quotes: each is looked behind (twice as fast as searching for `":`).
  let written = 0;
  for (let at = text.indexOf(':'); at >= 0; at = text.indexOf(':', at + 1)) {
    if (text.charCodeAt(at - 1) === 0x22) written++;
  }
  return written > 0 && typeof value === 'object' && value !== null && written > countKeys(value);
}

function countKeys(value: object): number {
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) if (typeof item === 'object' && item !== null) count += countKeys(item);
    return count;
  }
  for (const key in value) {
    count++;
    const member = (value as Record<string, unknown>)[key];
    if (typeof member === 'object' && member !== null) count += countKeys(member);
  }
  return count;
}

/** Parses valid JSON `text`, merging the values of keys an object repeats (see above). */
export function parseMergingRepeatedKeys(text: string): MergedParse {
  const repeated = new Set<string>();
  const joined = new Set<string>();
  const differingValues: MergedParse['differingValues'] = [];
  let at = 0;

  const skipSpace = () => {
    while (at < text.length) {
      const code = text.charCodeAt(at);
      if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) return;
      at++;
    }
  };
  const readString = (): string => {
    const start = at;
    at++;
    while (text.charCodeAt(at) !== 0x22) at += text.charCodeAt(at) === 0x5c ? 2 : 1;
    at++;
    return JSON.parse(text.slice(start, at)) as string;
  };
  const readValue = (): unknown => {
    skipSpace();
    const code = text.charCodeAt(at);
    if (code === 0x7b) return readObject();
    if (code === 0x5b) return readArray();
    if (code === 0x22) return readString();
    const start = at;
    while (at < text.length && !/[\s,\]}]/.test(text[at])) at++;
    return JSON.parse(text.slice(start, at));
  };
  /** Where the value being read lies in the parsed value, for differingValues. */
  const trail: Array<string | number> = [];
  const readArray = (): unknown[] => {
    at++;
    const list: unknown[] = [];
    skipSpace();
    if (text.charCodeAt(at) === 0x5d) {
      at++;
      return list;
    }
    for (;;) {
      trail.push(list.length);
      list.push(readValue());
      trail.pop();
      skipSpace();
      if (text.charCodeAt(at++) === 0x5d) return list;
    }
  };
  const readObject = (): Record<string, unknown> => {
    at++;
    const object: Record<string, unknown> = {};
    skipSpace();
    if (text.charCodeAt(at) === 0x7d) {
      at++;
      return object;
    }
    for (;;) {
      skipSpace();
      const key = readString();
      skipSpace();
      at++; // ':'
      trail.push(key);
      const value = readValue();
      trail.pop();
      if (Object.hasOwn(object, key)) {
        repeated.add(key);
        const earlier = object[key];
        if (typeof earlier === 'object' && earlier !== null && typeof value === 'object' && value !== null) joined.add(key);
        else if (earlier !== value) differingValues.push({ key, earlier, later: value, within: [...trail] });
        object[key] = merge(earlier, value);
      } else {
        object[key] = value;
      }
      skipSpace();
      if (text.charCodeAt(at++) === 0x7d) return object;
    }
  };

  const value = readValue();
  return { value, repeatedKeys: [...repeated], joinedKeys: [...joined], differingValues };
}

function merge(earlier: unknown, later: unknown): unknown {
  if (Array.isArray(earlier) && Array.isArray(later)) return [...earlier, ...later];
  if (isPlainObject(earlier) && isPlainObject(later)) {
    const merged: Record<string, unknown> = { ...earlier };
    for (const [key, value] of Object.entries(later)) merged[key] = Object.hasOwn(merged, key) ? merge(merged[key], value) : value;
    return merged;
  }
  return later;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
