import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDatabaseUrl } from '../db/database.js';
import { CommandFailure } from './arguments.js';

/**
 * The SQLite database a command works on must be there already: opening it
 * would create it, so a mistyped DATABASE_URL left an empty database file
 * behind, reported as pending migrations. `serve` and `migrate` create it.
 */
export function requireExistingDatabase(databaseUrl: string, cwd: string): void {
  const location = parseDatabaseUrl(databaseUrl);
  if (location.dialect !== 'sqlite' || location.path === ':memory:') return;
  const path = resolve(cwd, location.path);
  if (!existsSync(path)) {
    throw new CommandFailure(`there is no SQLite database at ${path}: check DATABASE_URL, or create it with \`tokenkeeper migrate\`.`);
  }
}
