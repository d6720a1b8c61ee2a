import type SqliteDatabase from 'better-sqlite3';

const STATEMENT_CACHE_SIZE = 500;

export interface CachedStatements {
  prepare(sqlText: string): SqliteDatabase.Statement;
  close(): void;
}

/**
 * Kysely prepares every query anew; with better-sqlite3, preparing costs
 * about as much as running a small query. The app sends a few hundred
 * distinct statements, so keep them prepared (least recently used out
 * first). Kysely runs them synchronously with all()/run(), never leaving
 * one busy, so sharing a statement between calls is safe.
 */
export function withStatementCache(connection: SqliteDatabase.Database): CachedStatements {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => {
      cache.clear();
      connection.close();
    },
    prepare: (sqlText: string) => {
      let statement = cache.get(sqlText);
      if (statement) {
        cache.delete(sqlText);
      } else {
        statement = connection.prepare(sqlText);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sqlText, statement);
      return statement;
    },
  };
}
