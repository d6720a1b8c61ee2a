// PostgreSQL for the benchmark: TEST_DATABASE_URL when set (a role that may
// create databases), else a throwaway cluster from a local install, started
// as test/support/global-setup.ts does (its helpers are not exported):
// initdb in a temp folder, as the `postgres` user when we are root, listening
// on 127.0.0.1 only; stopped and deleted by close().
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../../test/support/free-port.js';

const INSTALL_ROOTS = ['/usr/lib/postgresql', '/usr/local/lib/postgresql'];
const SUPERUSER = 'postgres';

export interface PostgresServer {
  /** Where it came from, for the notes: "TEST_DATABASE_URL" or "throwaway PostgreSQL 15.x cluster". */
  description: string;
  /** A fresh empty database; returns its URL. */
  createDatabase(): Promise<string>;
  dropDatabase(url: string): Promise<void>;
  close(): Promise<void>;
}

export type PostgresResult = { server: PostgresServer } | { server: null; reason: string };

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

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

function findBinDir(): string | undefined {
  for (const root of INSTALL_ROOTS) {
    if (!existsSync(root)) continue;
    const versions = readdirSync(root)
      .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
      .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
    if (versions[0] !== undefined) return join(root, versions[0], 'bin');
  }
  return undefined;
}


export async function openPostgres(): Promise<PostgresResult> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) return { server: serverFor(external, 'TEST_DATABASE_URL', () => {}) };

  const binDir = findBinDir();
  if (!binDir) return { server: null, reason: 'PostgreSQL not installed and TEST_DATABASE_URL not set' };

  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', SUPERUSER, '--', join(binDir, command), ...args]] : [join(binDir, command), args];
    const result = spawnSync(file, argv, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} failed (exit ${result.status}): ${`${result.stdout ?? ''}${result.stderr ?? ''}`.trim() || result.error?.message}`);
    return result.stdout;
  };

  const folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-bench-pg-'));
  const dataDir = join(folder, 'data');
  let started = false;
  const stop = () => {
    process.off('exit', stop);
    if (started) {
      started = false;
      try {
        run('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w']);
      } catch (error) {
        console.error(`could not stop the benchmark's PostgreSQL cluster: ${(error as Error).message}`);
      }
    }
    rmSync(folder, { recursive: true, force: true });
  };
  // A run that dies half-way still stops its server.
  process.once('exit', stop);
  try {
    if (asRoot) {
      const id = (flag: string) => Number(execFileSync('id', [flag, SUPERUSER], { encoding: 'utf8' }).trim());
      chownSync(folder, id('-u'), id('-g'));
    }
    const version = /\d+(\.\d+)*/.exec(run('pg_ctl', ['--version']))?.[0] ?? '?';
    run('initdb', ['-D', dataDir, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions']);
    for (let attempt = 1; ; attempt += 1) {
      const port = await freePort();
      // Same settings as the test cluster (fsync off: it is throwaway), so the numbers compare with test runs, not production.
      const settings = ['listen_addresses=127.0.0.1', `port=${port}`, `unix_socket_directories=${folder}`, 'fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=200'];
      try {
        run('pg_ctl', ['start', '-D', dataDir, '-w', '-t', '30', '-l', join(folder, 'server.log'), '-o', settings.map((s) => `-c ${s}`).join(' ')]);
        started = true;
        return { server: serverFor(`postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`, `throwaway PostgreSQL ${version} cluster (fsync off)`, stop) };
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  } catch (error) {
    stop();
    return { server: null, reason: `could not start a PostgreSQL cluster: ${(error as Error).message.split('\n')[0]}` };
  }
}
