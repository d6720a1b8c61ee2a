// vitest globalSetup: finds or starts a PostgreSQL server for the test run and
// hands its URL to the tests through provide/inject ('postgresUrl').
//
// Order: TEST_DATABASE_URL; else a throwaway cluster from a local PostgreSQL
// install (initdb in a temp folder, deleted at teardown); else none — an error
// in CI (CI=true), otherwise PostgreSQL tests are skipped with one notice.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Loads vitest's types so the ProvidedContext augmentation below has a module to merge into
// (without it TypeScript 7 reports "module 'vitest' cannot be found").
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { freePort } from './free-port.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a PostgreSQL server whose user may CREATE DATABASE; null when there is none. */
    postgresUrl: string | null;
  }
}

const POSTGRES_INSTALL_ROOTS = ['/usr/lib/postgresql', '/usr/local/lib/postgresql'];
const PG_SUPERUSER = 'postgres';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.TEST_DATABASE_URL;
  if (external !== undefined && external !== '') {
    project.provide('postgresUrl', external);
    console.log('PostgreSQL tests use TEST_DATABASE_URL');
    return async () => {};
  }

  const binDir = findPostgresBinDir();
  if (binDir === undefined) {
    if (process.env.CI === 'true') {
      throw new Error('PostgreSQL is required in CI: set TEST_DATABASE_URL or install postgresql');
    }
    console.warn('PostgreSQL not found: PostgreSQL tests are skipped (set TEST_DATABASE_URL or install postgresql)');
    project.provide('postgresUrl', null);
    return async () => {};
  }

  const cluster = await startThrowawayCluster(binDir);
  // If the run dies without calling teardown, still stop the server.
  const stopOnExit = () => cluster.stop();
  process.once('exit', stopOnExit);
  project.provide('postgresUrl', cluster.url);
  console.log(`PostgreSQL tests use a throwaway ${cluster.version} cluster at ${cluster.url}`);
  return async () => {
    process.off('exit', stopOnExit);
    cluster.stop();
  };
}

/** The bin folder of the newest installed PostgreSQL that has initdb, if any. */
function findPostgresBinDir(): string | undefined {
  for (const root of POSTGRES_INSTALL_ROOTS) {
    if (!existsSync(root)) continue;
    const versions = readdirSync(root)
      .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
      .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
    if (versions[0] !== undefined) return join(root, versions[0], 'bin');
  }
  return undefined;
}

interface Cluster {
  url: string;
  version: string;
  stop(): void;
}

async function startThrowawayCluster(binDir: string): Promise<Cluster> {
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

  const folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-pg-'));
  const dataDir = join(folder, 'data');
  let started = false;
  const stop = () => {
    if (started) {
      started = false;
      try {
        run('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w']);
      } catch (error) {
        console.warn(`could not stop the test PostgreSQL cluster: ${(error as Error).message}`);
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
    const version = `PostgreSQL ${/\d+(\.\d+)*/.exec(run('pg_ctl', ['--version']))?.[0] ?? '(unknown version)'}`;
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

