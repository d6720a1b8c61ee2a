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

/**
 * Parses `<command> <subcommand> …` with the parser of that subcommand, given
 * the arguments after it: `help`, `--help` or `-h` as the subcommand, or among
 * its arguments, give `help` instead; a missing or unknown subcommand is a
 * UsageError.
 *
 * @example
 * parseSubcommand(args, { action: 'help' }, { list: (rest) => ({ action: 'list', json: strictParse(rest, { json: { type: 'boolean' } }).values.json === true }) });
 */
export function parseSubcommand<T>(args: readonly string[], help: T, parsers: Readonly<Record<string, (rest: readonly string[]) => T>>): T {
  const [subcommand, ...rest] = args;
  if (asksForHelp(rest) || subcommand === 'help' || subcommand === '--help' || subcommand === '-h') return help;
  if (subcommand === undefined) throw new UsageError('missing subcommand');
  const parse = Object.hasOwn(parsers, subcommand) ? parsers[subcommand] : undefined;
  if (!parse) throw new UsageError(`unknown subcommand "${subcommand}"`);
  return parse(rest);
}

/**
 * The value of a whole-number option (`--limit 50`) parsed by strictParse,
 * from `min` to `max`, or `fallback` when it is not given; anything else is a
 * UsageError that names the range.
 */
export function wholeNumberOption(values: Readonly<Record<string, unknown>>, name: string, range: { min: number; max: number; fallback: number }): number {
  const text = values[name] as string | undefined;
  if (text === undefined) return range.fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < range.min || value > range.max) {
    throw new UsageError(`--${name} must be a whole number from ${range.min} to ${range.max} (got "${text}")`);
  }
  return value;
}

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** node:util's parseArgs in strict mode, its failures turned into a one-sentence UsageError. */
export function strictParse(args: readonly string[], options: OptionSpec, allowPositionals = false) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError(ambiguousValue(args, error) ?? firstSentence(error), { cause: error });
  }
}

/** parseArgs explains in several sentences; the first names the problem. */
function firstSentence(error: unknown): string {
  return (error as Error).message.split(/\.\s/)[0] ?? String(error);
}

/**
 * An option followed by a value that starts with a dash (`--grace-seconds -5`) reads to parseArgs as an
 * option without its value ("argument is ambiguous"): said here with the value and the way to give it.
 */
function ambiguousValue(args: readonly string[], error: unknown): string | undefined {
  const option = /^Option '(--?[^']+)' argument is ambiguous/.exec((error as Error).message)?.[1];
  if (option === undefined) return undefined;
  const next = args[args.indexOf(option) + 1];
  if (next === undefined) return undefined;
  return `${option} is followed by "${next}", which reads as another option: to give it as the value, write ${option}=${next}`;
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
