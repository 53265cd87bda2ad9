import { describe, expect, it } from 'vitest';
import { JsonWalker, type PathSegment, type WalkerHandler } from '../../src/scan/json-walker.js';
import { ScanError } from '../../src/scan/scan-error.js';
import { formatPath } from '../../src/scan/json-path.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Captures every element of top-level arrays; records enter/exit events. */
function recordingHandler(): WalkerHandler & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    selectValue(path: readonly PathSegment[], kind) {
      if (path.length === 0) return 'descend';
      if (path.length === 1 && kind === 'array') return 'descend';
      if (path.length === 1 && path[0] === 'skipped') return 'skip';
      return 'capture';
    },
    onCapture(path, bytes, offset) {
      events.push(`${formatPath(path)}@${offset}=${decoder.decode(bytes)}`);
    },
    onEnter(path, kind) {
      events.push(`enter ${formatPath(path) || '(root)'} ${kind}`);
    },
    onExit(path, kind) {
      events.push(`exit ${formatPath(path) || '(root)'} ${kind}`);
    },
  };
}

function walkInPieces(text: string, cutPoints: number[]): string[] {
  const handler = recordingHandler();
  const walker = new JsonWalker(handler, 'test.json');
  const bytes = encoder.encode(text);
  let from = 0;
  for (const cut of [...cutPoints, bytes.length]) {
    walker.write(bytes.slice(from, cut));
    from = cut;
  }
  walker.end();
  return handler.events;
}

const documentText =
  '\ufeff{"a": "x\\"y", "list": [ {"k": "\\\\", "n": [1, 2]}, 3.5e2, "s\\u00e9", true ],' +
  ' "skipped": {"deep": [[["]"]]]}, "esc\\"key": null, "b": -12}';

const expectedEvents = [
  'enter (root) object',
  'a@9="x\\"y"',
  'enter list array',
  'list[0]@27={"k": "\\\\", "n": [1, 2]}',
  'list[1]@53=3.5e2',
  'list[2]@60="s\\u00e9"',
  'list[3]@71=true',
  'exit list array',
  'esc"key@123=null',
  'b@134=-12',
  'exit (root) object',
];

describe('JsonWalker', () => {
  it('delivers captured values with their absolute offsets and paths', () => {
    expect(walkInPieces(documentText, [])).toEqual(expectedEvents);
  });

  it('gives the same events wherever the input is split, including one byte at a time', () => {
    const length = encoder.encode(documentText).length;
    for (let cut = 1; cut < length; cut++) {
      expect(walkInPieces(documentText, [cut])).toEqual(expectedEvents);
    }
    const everyByte = Array.from({ length: length - 1 }, (_, i) => i + 1);
    expect(walkInPieces(documentText, everyByte)).toEqual(expectedEvents);
  });

  it('names the offset and path of a stray comma', () => {
    const walker = new JsonWalker(recordingHandler(), 'rates.json');
    expect(() => walker.write(encoder.encode('{"list": [1, 2,, 3]}'))).toThrow(
      "rates.json: expected a JSON value but found ',' at byte 15 (decompressed) in list[2]",
    );
  });

  it('reports a mismatched bracket inside a skipped value', () => {
    const walker = new JsonWalker(recordingHandler(), 'rates.json');
    expect(() => walker.write(encoder.encode('{"skipped": {"a": [1}}'))).toThrow(
      "expected ']' but found '}' at byte 20",
    );
  });

  it('reports truncated input as incomplete, naming where it stopped', () => {
    const walker = new JsonWalker(recordingHandler(), 'cut.json');
    walker.write(encoder.encode('{"list": [{"k": "unfinished'));
    let error: unknown;
    try {
      walker.end();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ScanError);
    expect((error as ScanError).message).toBe(
      'cut.json: unexpected end of input while reading list[0] (file truncated or connection reset); ' +
        'file marked incomplete at byte 27 (decompressed) in list[0]',
    );
  });

  it('refuses data after the end of the document, zero-byte padding apart', () => {
    const walker = new JsonWalker(recordingHandler(), 'x.json');
    expect(() => walker.write(encoder.encode('{"b": 1} <html>'))).toThrow(
      "expected nothing after the end of the JSON document but found '<' at byte 9",
    );
    const padded = new JsonWalker(recordingHandler(), 'padded.json');
    padded.write(encoder.encode('{"b": 1}\n\n\0\0\0'));
    padded.write(new Uint8Array(4096));
    expect(() => padded.end()).not.toThrow();
    const paddedThenData = new JsonWalker(recordingHandler(), 'x.json');
    expect(() => paddedThenData.write(encoder.encode('{"b": 1}\0\0{"c": 2}'))).toThrow(
      "expected nothing after the end of the JSON document but found '{' at byte 10",
    );
  });

  it('stops right after a value when the handler pauses, and resumes where it stopped', () => {
    const captured: string[] = [];
    const walker = new JsonWalker(
      {
        selectValue: (path) => (path.length === 0 ? 'descend' : 'capture'),
        onCapture: (_path, bytes) => {
          captured.push(decoder.decode(bytes));
          return 'pause';
        },
      },
      'p.json',
    );
    const bytes = encoder.encode('{"a": 1, "b": [2]}');
    const first = walker.write(bytes);
    expect(first).toBe(7);
    expect(walker.takePause()).toBe(true);
    const second = walker.write(bytes.subarray(first));
    expect(first + second).toBe(17);
    expect(walker.write(bytes.subarray(first + second))).toBe(1);
    walker.end();
    expect(captured).toEqual(['1', '[2]']);
  });
});
