// A throwaway PostgreSQL cluster from a local install, for the test run
// (global-setup.ts) and the benchmarks (bench/lib/postgres.ts): initdb in a
// temp folder, as the `postgres` OS user when we are root, listening on
// 127.0.0.1 only, fsync off; stop() shuts it down and deletes the folder.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';

const POSTGRES_INSTALL_ROOTS = ['/usr/lib/postgresql', '/usr/local/lib/postgresql'];
export const PG_SUPERUSER = 'postgres';

/** The bin folder of the newest installed PostgreSQL that has initdb, if any. */
export function findPostgresBinDir(): string | undefined {
  for (const root of POSTGRES_INSTALL_ROOTS) {
    if (!existsSync(root)) continue;
    const versions = readdirSync(root)
      .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
      .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
    if (versions[0] !== undefined) return join(root, versions[0], 'bin');
  }
  return undefined;
}

export interface Cluster {
  /** postgres://postgres@127.0.0.1:PORT/postgres, a superuser that may create databases. */
  url: string;
  /** e.g. "15.18". */
  version: string;
  /** Stops the server and deletes its folder; safe to call more than once. */
  stop(): void;
}

export async function startThrowawayCluster(binDir: string, folderPrefix = 'tokenkeeper-pg-'): Promise<Cluster> {
  // initdb refuses to run as root: as root, run the server as the postgres OS user.
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) => {
    const [file, argv] = asRoot
      ? ['runuser', ['-u', PG_SUPERUSER, '--', join(binDir, command), ...args]]
      : [join(binDir, command), args];
    const result = spawnSync(file, argv, { encoding: 'utf8' });
    if (result.status !== 0) {
      const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
      throw new Error(`${command} failed (exit ${result.status}): ${output || result.error?.message}`, {
        cause: result.error,
      });
    }
    return result.stdout;
  };

  const folder = mkdtempSync(join(tmpdir(), folderPrefix));
  const dataDir = join(folder, 'data');
  let started = false;
  const stop = () => {
    if (started) {
      started = false;
      try {
        run('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w']);
      } catch (error) {
        console.warn(`could not stop the throwaway PostgreSQL cluster: ${(error as Error).message}`);
      }
    }
    rmSync(folder, { recursive: true, force: true });
  };

  try {
    if (asRoot) {
      const uid = Number(execFileSync('id', ['-u', PG_SUPERUSER], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', PG_SUPERUSER], { encoding: 'utf8' }).trim());
      chownSync(folder, uid, gid);
    }
    const version = /\d+(\.\d+)*/.exec(run('pg_ctl', ['--version']))?.[0] ?? '(unknown version)';
    run('initdb', [
      '-D', dataDir,
      '-U', PG_SUPERUSER,
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ]);
    // The port is free when chosen but could be taken before the server binds: retry.
    for (let attempt = 1; ; attempt += 1) {
      const port = await freePort();
      const serverOptions = [
        '-c listen_addresses=127.0.0.1',
        `-c port=${port}`,
        // The socket goes in our own folder, never the system's /var/run/postgresql.
        `-c unix_socket_directories=${folder}`,
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=200',
      ].join(' ');
      try {
        run('pg_ctl', ['start', '-D', dataDir, '-w', '-t', '30', '-l', join(folder, 'server.log'), '-o', serverOptions]);
        started = true;
        return { url: `postgres://${PG_SUPERUSER}@127.0.0.1:${port}/postgres`, version, stop };
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  } catch (error) {
    stop();
    throw new Error(`Could not start a throwaway PostgreSQL cluster with ${binDir}`, { cause: error });
  }
}

/** One short-lived client on `url` (e.g. to create or drop a database), always closed. */
export async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
