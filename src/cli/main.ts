import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../config/config-error.js';
import { parseOrReportUsage, strictParse } from './arguments.js';
import { runBackup } from './backup.command.js';
import { runCreateSuperuser } from './createsuperuser.command.js';
import { runDevProvider } from './dev-provider.command.js';
import { runDoctor } from './doctor.command.js';
import { runKeys } from './keys.command.js';
import { runMigrate } from './migrate.command.js';
import { runServe } from './serve.command.js';
import { runServices } from './services.command.js';
import { runTokens } from './tokens.command.js';

export const USAGE = `Usage: tokenkeeper <command>

Commands:
  serve           run the web app (applies pending migrations first)
  migrate         apply pending database migrations
  doctor          check the configuration, database, encryption keys and providers (ok/warn/fail per line)
  backup <file> [--force]
                  copy the SQLite database while the server runs (PostgreSQL: use pg_dump)
  createsuperuser [--username U --email E [--password-stdin]] [--update [--allow-provider-user]]
                  create a staff superuser who signs in at /admin/login (asks on a terminal)
  tokens list [--json] [--provider <name>] [--status active|needs_reauth] [--limit N]
                  list stored tokens, newest first (never their values)
  tokens refresh <id>
                  refresh a token now and print its new expiry
  tokens revoke <id> [--forget]
                  revoke a token at its provider and delete it (--forget: delete it here only)
  keys rotate [--batch-size N]
                  re-encrypt every stored secret with the newest TOKEN_ENCRYPTION_KEYS key
  keys generate   print a new encryption key
  services create <name> --permissions <list> [--providers <list>]
                  create a key for the service API; prints it once, alone on the last line
  services list [--json] | services revoke <name> | services rotate <name> [--grace-seconds N]
                  list, revoke or rotate service keys
  dev-provider    run the local OpenID provider alone (demo accounts alice, bob, mallory)
  version         print the version (also --version)
  help            show this help

Configuration comes from the environment and .env in the working folder (see README).`;

/** Commands without options of their own: `--help` after them shows their lines of USAGE instead of running them; any other argument is bad usage (exit 2). */
const PLAIN_COMMANDS: ReadonlySet<string> = new Set(['serve', 'migrate', 'doctor', 'dev-provider']);

/** USAGE's entry for `command` (its line and the indented lines under it). */
function commandUsage(command: string): string {
  const entries = USAGE.split('\n').reduce<string[][]>((all, line) => {
    if (/^ {2}\S/.test(line)) all.push([line]);
    else if (/^ {3,}\S/.test(line) && all.length > 0) all.at(-1)!.push(line);
    return all;
  }, []);
  const entry = entries.find((lines) => lines[0]!.trim().split(/\s+/)[0] === command);
  return `Usage: tokenkeeper ${command}\n\n${entry!.join('\n')}\n\nConfiguration comes from the environment and .env in the working folder (see README).`;
}

/** package.json's version: two folders up from this file, in src/cli as in dist/cli. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** Runs the CLI and returns the process exit code. Known failures print one line, no stack trace. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== undefined && PLAIN_COMMANDS.has(command)) {
    if (rest.some((arg) => arg === '--help' || arg === '-h' || arg === 'help')) {
      console.log(commandUsage(command));
      return 0;
    }
    // They take nothing else: `serve --port 8080` or `migrate --dry-run` must not run as if it had not been typed.
    // (doctor checks its own arguments, and shows its longer usage.)
    if (command !== 'doctor' && !parseOrReportUsage(command, commandUsage(command), process.stderr, () => strictParse(rest, {}))) return 2;
  }
  try {
    switch (command) {
      case 'serve':
        return await runServe(rest);
      case 'migrate':
        return await runMigrate(rest);
      case 'doctor':
        return await runDoctor(rest);
      case 'backup':
        return await runBackup(rest);
      case 'dev-provider':
        return await runDevProvider(rest);
      case 'tokens':
        return await runTokens(rest);
      case 'services':
        return await runServices(rest);
      case 'keys':
        return await runKeys(rest);
      case 'createsuperuser':
        return await runCreateSuperuser(rest);
      case 'version':
      case '--version':
        console.log(`tokenkeeper ${packageVersion()}`);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return 0;
      default:
        console.error(`tokenkeeper: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 78; // EX_CONFIG
    }
    console.error(`tokenkeeper ${command}: ${(error as Error).message ?? String(error)}`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
/** The CLI as a process runs it (bin/tokenkeeper.js): main, its exit code, and stdout's closing handled. */
export async function runCli(argv: string[]): Promise<void> {
  // Output piped to a reader that stopped early (`tokenkeeper doctor | head -3`): nobody is left to read the rest.
  // The command goes on, unheard, to its own exit code (doctor's verdict), instead of dying of an unhandled EPIPE
  // with a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
  process.exitCode = await main(argv);
}

if (invokedDirectly) await runCli(process.argv.slice(2));
