import { parseArgs } from 'node:util';
import type { TextOutput } from './command-io.js';

/** Wrong arguments: the command prints its usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An expected failure (unknown id, pending migrations, a provider refusing): one line, exit 1. */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
}

/** `--help` or `-h` among a subcommand's arguments (`tokens list --help`): show the usage instead of running it. */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** node:util's parseArgs in strict mode, its failures turned into a one-sentence UsageError. */
export function strictParse(args: readonly string[], options: OptionSpec, allowPositionals = false) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals });
  } catch (error) {
    // parseArgs explains in several sentences; the first names the problem.
    const message = (error as Error).message.split(/\.\s/)[0] ?? String(error);
    throw new UsageError(message, { cause: error });
  }
}

/**
 * Runs a command's argument checks. A UsageError is written to `stderr` with
 * the command's usage and gives undefined: the command then exits 2.
 */
export function parseOrReportUsage<T>(command: string, usage: string, stderr: TextOutput, parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stderr.write(`tokenkeeper ${command}: ${error.message}\n\n${usage}\n`);
    return undefined;
  }
}
