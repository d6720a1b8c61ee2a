import { describePostgresUrl, openDatabase, parseDatabaseUrl } from '../db/database.js';
import { migrateToLatest, newerSchemaWarning, unknownMigrations } from '../db/migrate.js';
import { configFromEnvironment } from './load-config.js';

/** `tokenkeeper migrate`: apply pending migrations and say which. */
export async function runMigrate(_args: string[]): Promise<number> {
  const config = configFromEnvironment();
  const location = parseDatabaseUrl(config.databaseUrl);
  const where = location.dialect === 'sqlite' ? `SQLite ${location.path}` : `PostgreSQL ${describePostgresUrl(location.connectionString)}`;
  const database = await openDatabase(config.databaseUrl);
  try {
    const { applied } = await migrateToLatest(database);
    console.log(applied.length === 0 ? `${where}: already up to date.` : `${where}: applied ${applied.join(', ')}.`);
    const newer = await unknownMigrations(database);
    if (newer.length > 0) console.error(`tokenkeeper migrate: ${newerSchemaWarning(newer)}`);
    return 0;
  } finally {
    await database.close();
  }
}
