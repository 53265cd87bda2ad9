import { Command, CommanderError } from 'commander';
import { NpiRatesError, EXIT_USAGE, describeError } from '../shared/errors.js';
import { redactUrlsInText } from '../shared/redact-url.js';
import { commandRegistrations } from './commands/index.js';
import type { CliIo } from './io.js';
import { processIo } from './io.js';

/**
 * Builds the command tree. Commands never call process.exit: they return an exit code (or throw),
 * and `main` alone turns that into the process status, which keeps every command testable
 * in-process.
 */
export function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('npi-rates')
    .description('Find what a health insurer pays a provider, from Transparency in Coverage files')
    .version(io.version, '-V, --version')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => io.err.write(text),
      writeErr: (text) => io.err.write(text),
    })
    .exitOverride();
  for (const register of commandRegistrations) register(program, io, setExitCode);
  return program;
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    io.err.write(`error: ${redactUrlsInText(describeError(error))}\n`);
    if (process.env.NPI_RATES_DEBUG && error instanceof Error && error.stack) {
      io.err.write(`${error.stack}\n`);
    }
    return error instanceof NpiRatesError ? error.exitCode : 1;
  }
}
