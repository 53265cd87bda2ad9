import { describe, expect, it } from 'vitest';
import { JsonWalker, type PathSegment, type WalkerHandler } from '../../../src/scan/json-walker.js';
import { ContainerEndFinder, FOUND_NOTHING, MISMATCHED_BRACKET } from '../../../src/scan/kernel/container-end-finder.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Seeded numbers, so a failing document can be rebuilt from the seed in the test name. */
function makeRandom(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return (state >>> 8) % below;
  };
}

/** Strings full of what the kernel must not mistake for structure: brackets, quotes, backslash runs. */
function randomString(random: (below: number) => number): string {
  const pieces = ['a', '{', '}', '[', ']', '\\"', '\\\\', '\\\\\\"', ' ', ',', ':', '\\u00e9', 'é', 'xyz'];
  let text = '"';
  const length = random(40);
  for (let i = 0; i < length; i++) text += pieces[random(pieces.length)];
  return `${text}"`;
}

function randomValue(random: (below: number) => number, depth: number): string {
  const choice = depth > 6 ? random(3) : random(6);
  if (choice === 0) return randomString(random);
  if (choice === 1) return String(random(100_000) / 100);
  if (choice === 2) return ['true', 'false', 'null'][random(3)];
  const count = random(6);
  const members: string[] = [];
  for (let i = 0; i < count; i++) {
    const value = randomValue(random, depth + 1);
    members.push(choice === 3 ? value : `${randomString(random)}:${value}`);
  }
  return choice === 3 ? `[${members.join(',')}]` : `{${members.join(', ')}}`;
}

/** Captures every member of the root array, and skips every other one's inner values. */
function recordingHandler(events: string[]): WalkerHandler {
  return {
    selectValue(path: readonly PathSegment[]) {
      if (path.length === 0) return 'descend';
      return (path[0] as number) % 2 === 0 ? 'capture' : 'skip';
    },
    onCapture(path, bytes, offset) {
      events.push(`${String(path[0])}@${offset}=${decoder.decode(bytes)}`);
    },
  };
}

function walk(bytes: Uint8Array, loop: 'wasm' | 'js', cuts: number[]): string[] {
  const events: string[] = [];
  const walker = new JsonWalker(recordingHandler(events), 'random.json', { containerEndLoop: loop });
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    walker.write(bytes.slice(from, cut));
    from = cut;
  }
  walker.end();
  return events;
}

describe('ContainerEndFinder (the WebAssembly kernel)', () => {
  it('is available on this runtime, so the walker uses it by default', () => {
    expect(ContainerEndFinder.create()).toBeDefined();
  });

  it('finds the closing bracket past brackets and escaped quotes inside strings', () => {
    const finder = ContainerEndFinder.create()!;
    const text = '{"a": "}\\"]", "b": [1, {"c": "\\\\"}]} tail';
    const bytes = encoder.encode(text);
    finder.begin(bytes[0]);
    expect(finder.find(bytes, 1, bytes.length)).toBe(text.lastIndexOf('}'));
  });

  it('carries strings, escapes and nesting across chunk boundaries', () => {
    const finder = ContainerEndFinder.create()!;
    const text = '["x\\\\\\"]", [[]], "\\\\"]';
    const bytes = encoder.encode(text);
    for (let cut = 2; cut < bytes.length; cut++) {
      finder.begin(bytes[0]);
      finder.forgetChunk();
      expect(finder.find(bytes.subarray(0, cut), 1, cut)).toBe(FOUND_NOTHING);
      finder.forgetChunk();
      expect(finder.find(bytes.subarray(cut), 0, bytes.length - cut)).toBe(bytes.length - 1 - cut);
    }
  });

  it('reports a closing bracket of the wrong kind with its index and the expected one', () => {
    const finder = ContainerEndFinder.create()!;
    const bytes = encoder.encode('{"k": [1, 2}');
    finder.begin(bytes[0]);
    expect(finder.find(bytes, 1, bytes.length)).toBe(MISMATCHED_BRACKET);
    expect(finder.problemIndex).toBe(11);
    expect(String.fromCharCode(finder.innermostOpenBracket())).toBe('[');
  });

  it('gives the walker the same events as its JavaScript loop on 300 random documents split anywhere', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = makeRandom(seed);
      const members = Array.from({ length: 1 + random(8) }, () => randomValue(random, 0));
      const bytes = encoder.encode(`[${members.join(',')}]`);
      const cuts = [random(bytes.length), random(bytes.length)].sort((a, b) => a - b);
      const expected = walk(bytes, 'js', []);
      expect(walk(bytes, 'wasm', []), `seed ${seed}`).toEqual(expected);
      expect(walk(bytes, 'wasm', cuts), `seed ${seed} cut at ${cuts.join(',')}`).toEqual(expected);
    }
  });

  it('gives the same events when a document is fed one byte at a time', () => {
    const random = makeRandom(42);
    const bytes = encoder.encode(`[${Array.from({ length: 6 }, () => randomValue(random, 0)).join(',')}]`);
    const everyByte = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    expect(walk(bytes, 'wasm', everyByte)).toEqual(walk(bytes, 'js', []));
  });

  it('handles a backslash run on every position of a 64-byte block', () => {
    for (let pad = 0; pad < 70; pad++) {
      const text = `[{"s": "${'x'.repeat(pad)}\\\\\\"]\\\\", "t": ["]"]}, 1]`;
      const bytes = encoder.encode(text);
      expect(walk(bytes, 'wasm', []), `pad ${pad}`).toEqual(walk(bytes, 'js', []));
    }
  });

  it('scans one chunk larger than its 1 MiB window', () => {
    const element = '{"npi": [1234567893, 1982736450], "tin": {"value": "12-3456789"}, "s": "\\"]"}';
    const big = `[${Array.from({ length: 40_000 }, () => element).join(',')}]`;
    const bytes = encoder.encode(`[${big}, ${big}]`);
    expect(bytes.length).toBeGreaterThan(3 * 1024 * 1024);
    expect(walk(bytes, 'wasm', [])).toEqual(walk(bytes, 'js', []));
    expect(walk(bytes, 'wasm', [1_500_000])).toEqual(walk(bytes, 'js', []));
  });

  it('raises the same error as the JavaScript loop for a mismatched bracket in a skipped value', () => {
    const bytes = encoder.encode('[0, {"a": [1, {"b": "]"}}]');
    expect(() => walk(bytes, 'wasm', [])).toThrow("expected ']' but found '}' at byte 24 (decompressed) in [1]");
    expect(() => walk(bytes, 'js', [])).toThrow("expected ']' but found '}' at byte 24 (decompressed) in [1]");
  });

  it('raises the same error as the JavaScript loop for nesting deeper than 4096 levels', () => {
    const bytes = encoder.encode(`[0, ${'['.repeat(5000)}${']'.repeat(5000)}]`);
    expect(() => walk(bytes, 'wasm', [])).toThrow('nesting deeper than 4096 levels at byte 4100');
    expect(() => walk(bytes, 'js', [])).toThrow('nesting deeper than 4096 levels at byte 4100');
  });
});
