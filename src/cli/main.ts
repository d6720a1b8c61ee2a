import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../config/config-error.js';
import { runBackup } from './backup.command.js';
import { runCreateSuperuser } from './createsuperuser.command.js';
import { runDevProvider } from './dev-provider.command.js';
import { runDoctor } from './doctor.command.js';
import { runKeys } from './keys.command.js';
import { runMigrate } from './migrate.command.js';
import { runServe } from './serve.command.js';
import { runServices } from './services.command.js';
import { runTokens } from './tokens.command.js';

const USAGE = `Usage: tokenkeeper <command>

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
  tokens revoke <id>
                  revoke a token at its provider and delete it
  keys rotate [--batch-size N]
                  re-encrypt every stored secret with the newest TOKEN_ENCRYPTION_KEYS key
  keys generate   print a new encryption key
  services create <name> --permissions <list> [--providers <list>]
                  create a key for the service API; prints it once, alone on the last line
  services list [--json] | services revoke <name> | services rotate <name> [--grace-seconds N]
                  list, revoke or rotate service keys
  dev-provider    run the local OpenID provider alone (demo accounts alice, bob, mallory)
  help            show this help

Configuration comes from the environment and .env in the working folder (see README).`;

/** Runs the CLI and returns the process exit code. Known failures print one line, no stack trace. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
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
if (invokedDirectly) {
  process.exitCode = await main(process.argv.slice(2));
}
