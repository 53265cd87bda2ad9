import { Agent, buildConnector } from 'undici';

/**
 * undici 7 can crash the process when a server closes the connection while a response body is
 * held back by backpressure: the socket's 'end' and 'close' handlers call the HTTP parser's
 * finish(), which asserts that the parser is not paused, and the assertion is thrown from an
 * event handler, out of reach of any caller (nodejs/undici#5360; a server that closes after each
 * response, such as Python's http.server, meets it about every other download). undici 8 fixes
 * it but needs Node 22, and this project runs on Node 20. Until it moves, each download socket
 * steps in just before those events. On 'end' it does what the fix (#5474) does: it resumes the
 * paused parser until the bytes the socket still holds are parsed (the body buffers them past
 * its limit, a few MB at most), so the response completes as if the reader had kept up and
 * finish() only has the end of the stream to add. If the parser is still paused then, or on a
 * 'close' that came first, it clears the flag, as the earlier fix (#5389) does by dropping the
 * assertion: finish() then sees llhttp report "paused" and returns without error, and an
 * unfinished response fails as a drop, which the resuming reader retries with Range.
 */
interface PausableParser {
  paused: boolean;
  resume(): void;
}

function parserOf(socket: object, key: { symbol?: symbol }): PausableParser | undefined {
  // undici keeps the parser under a private symbol; it is found by its description.
  key.symbol ??= Object.getOwnPropertySymbols(socket).find((symbol) => symbol.description === 'parser');
  const parser = key.symbol ? (socket as Record<symbol, unknown>)[key.symbol] : undefined;
  return parser && typeof parser === 'object' && 'paused' in parser ? (parser as PausableParser) : undefined;
}

/** Parses what the socket still holds, then leaves the parser running for finish(). */
function drainPausedParser(parser: PausableParser, socket: { readableLength: number; destroyed: boolean }): void {
  // Each resume parses what it can and pauses again under backpressure; bounded for safety.
  for (let round = 0; parser.paused && !socket.destroyed && round < 10_000; round++) {
    parser.resume();
    if (socket.readableLength === 0) break;
  }
  // A body that only the end of the stream completes re-pauses with nothing left: resume once
  // more, so finish() can deliver that end.
  if (parser.paused && !socket.destroyed) parser.resume();
}

function guardParserAtEndOfStream(socket: object): void {
  const target = socket as {
    emit: (event: string | symbol, ...args: unknown[]) => boolean;
    readableLength: number;
    destroyed: boolean;
  };
  const emit = target.emit;
  const key: { symbol?: symbol } = {};
  target.emit = function emitAfterParsing(this: unknown, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'end' || event === 'close') {
      const parser = parserOf(socket, key);
      if (parser?.paused && event === 'end') drainPausedParser(parser, target);
      // Still paused (the connection went before the bytes could be parsed): see above.
      if (parser?.paused) parser.paused = false;
    }
    return emit.call(this, event, ...args);
  };
}

let agent: Agent | undefined;

/** The dispatcher every rate-file download goes through (one pool of connections per origin). */
export function downloadAgent(): Agent {
  if (agent) return agent;
  const connect = buildConnector({});
  agent = new Agent({
    connect(options, callback) {
      connect(options, (error, socket) => {
        if (error || !socket) {
          callback(error ?? new Error('no socket'), null);
          return;
        }
        guardParserAtEndOfStream(socket);
        callback(null, socket);
      });
    },
  });
  return agent;
}
