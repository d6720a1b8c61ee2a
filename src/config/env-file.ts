import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from './config-error.js';

/** Environment variables by name, as `process.env` holds them (`fromEnv({ env })` takes one in its place). */
export type Environment = Record<string, string | undefined>;

/**
 * The environment with `.env` from the working folder underneath it: a
 * variable set in the real environment wins over the file, as with dotenv.
 */
export function environmentWithDotEnv(cwd: string, env: Environment = process.env): Environment {
  return { ...readDotEnv(cwd), ...env };
}

/**
 * The variables `.env` in the folder sets; none when there is no such file.
 * A line that is neither `NAME=value`, a comment nor blank is a ConfigError
 * naming it: Node's parseEnv skips it without a word, and reads the line
 * after it as part of that line's name, so the next variable is lost too.
 */
export function readDotEnv(cwd: string): Record<string, string> {
  const file = join(cwd, '.env');
  if (!existsSync(file)) return {};
  let text: string;
  try {
    // A byte order mark (some Windows editors write one) would become part of the first variable's name.
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new ConfigError('.env', `cannot be read: ${(error as Error).message}`, { cause: error });
  }
  const stray = lineWithoutAssignment(text);
  if (stray !== undefined) {
    // The line's text is not repeated: it may be a secret pasted on a line of its own.
    const name = /^\s*(?:export\s+)?([A-Z][A-Z0-9_]*)\b/.exec(stray.text)?.[1];
    const starts = name === undefined ? '' : ` (it starts with ${name})`;
    throw new ConfigError('.env', `line ${stray.number} is not NAME=value${starts}: add the "=", or start a comment with #; as it is, the variable on the next line would be lost too`);
  }
  return parseEnv(text) as Record<string, string>;
}

const ASSIGNMENT = /^\s*(?:export\s+)?[^\s=#][^\s=]*\s*=(.*)$/;
const QUOTES = ['"', "'", '`'];

/**
 * The first line (1-based) that parseEnv would not read as an assignment,
 * skipping blank lines, comments and the further lines of a quoted value
 * (one that opens with a quote and closes on a later line, as a PEM key does).
 */
function lineWithoutAssignment(text: string): { number: number; text: string } | undefined {
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const value = ASSIGNMENT.exec(line)?.[1];
    if (value === undefined) return { number: index + 1, text: line };
    const opened = value.trimStart();
    const quote = QUOTES.find((q) => opened.startsWith(q));
    if (quote === undefined || opened.indexOf(quote, 1) !== -1) continue;
    // Closed on a later line: the value runs to it. Never closed: parseEnv takes the line as it is.
    const closing = lines.findIndex((later, at) => at > index && later.includes(quote));
    if (closing !== -1) index = closing;
  }
  return undefined;
}
