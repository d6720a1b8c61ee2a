// PostgreSQL for the benchmark: TEST_DATABASE_URL when set (a role that may
// create databases), else a throwaway cluster from a local install, the same
// as the test run's (test/support/postgres-cluster.ts: fsync off, so the
// numbers compare with test runs, not production); stopped and deleted by close().
import { randomBytes } from 'node:crypto';
import { findPostgresBinDir, startThrowawayCluster, withClient } from '../../test/support/postgres-cluster.js';

export interface PostgresServer {
  /** Where it came from, for the notes: "TEST_DATABASE_URL" or "throwaway PostgreSQL 15.x cluster". */
  description: string;
  /** A fresh empty database; returns its URL. */
  createDatabase(): Promise<string>;
  dropDatabase(url: string): Promise<void>;
  close(): Promise<void>;
}

export type PostgresResult = { server: PostgresServer } | { server: null; reason: string };

function serverFor(adminUrl: string, description: string, stop: () => void): PostgresServer {
  const created = new Set<string>();
  const drop = async (url: string) => {
    const name = new URL(url).pathname.slice(1);
    if (!/^tokenkeeper_bench_[a-z0-9_]+$/.test(name)) throw new Error(`refusing to drop ${name}: not made by the benchmark`);
    await withClient(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`));
    created.delete(url);
  };
  return {
    description,
    async createDatabase() {
      const name = `tokenkeeper_bench_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
      await withClient(adminUrl, (client) => client.query(`create database ${name}`));
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      created.add(url.toString());
      return url.toString();
    },
    dropDatabase: drop,
    async close() {
      for (const url of [...created]) await drop(url).catch(() => {});
      stop();
    },
  };
}

export async function openPostgres(): Promise<PostgresResult> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) return { server: serverFor(external, 'TEST_DATABASE_URL', () => {}) };

  const binDir = findPostgresBinDir();
  if (!binDir) return { server: null, reason: 'PostgreSQL not installed and TEST_DATABASE_URL not set' };
  try {
    const cluster = await startThrowawayCluster(binDir, 'tokenkeeper-bench-pg-');
    // A run that dies half-way still stops its server.
    const stop = () => {
      process.off('exit', stop);
      cluster.stop();
    };
    process.once('exit', stop);
    return { server: serverFor(cluster.url, `throwaway PostgreSQL ${cluster.version} cluster (fsync off)`, stop) };
  } catch (error) {
    const cause = (error as Error).cause instanceof Error ? `: ${((error as Error).cause as Error).message.split('\n')[0]}` : '';
    return { server: null, reason: `could not start a PostgreSQL cluster${cause}` };
  }
}
