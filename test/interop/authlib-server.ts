// Starts the Authlib server of test/interop/authlib/ (Debian's python3-authlib
// with Flask) for one test suite: a fresh state folder (SQLite database,
// signing key), its users and client, then Flask's server on a free port,
// stopped and deleted by close().
import { execFile, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../support/free-port.js';
import type { TestDialect } from '../support/postgres.js';
import { countsAt, describeEachDialectWith, setupArguments, startChildServer, stopAndRemove, type CountedServer, type InteropServer, type InteropSetup } from './child-server.js';
import { SYSTEM_PYTHON } from './dot-server.js';

const SERVER = fileURLToPath(new URL('./authlib/server.py', import.meta.url));

export interface AuthlibOptions extends InteropSetup {
  accessTokenSeconds: number;
}

/** Authlib: the origin is also the issuer; each user's `sub` is their id. */
export type AuthlibServer = CountedServer;

export function authlibInstalled(): boolean {
  return spawnSync(SYSTEM_PYTHON, ['-c', 'import authlib, flask, flask_sqlalchemy'], { stdio: 'ignore' }).status === 0;
}

const AUTHLIB: InteropServer = {
  name: 'Authlib',
  installed: authlibInstalled,
  missing: `${SYSTEM_PYTHON} cannot import authlib, flask and flask_sqlalchemy (apt-get install python3-authlib python3-flask python3-flask-sqlalchemy)`,
  skipNotice: 'Authlib not found: its interop tests are skipped (apt-get install python3-authlib python3-flask python3-flask-sqlalchemy)',
};

/** describeEachDialect for tests that need Authlib: skipped with one notice when it is not installed, but failing when CI=true. */
export function describeEachDialectWithAuthlib(title: string, body: (dialect: TestDialect) => void): void {
  describeEachDialectWith(AUTHLIB, title, body);
}

export async function startAuthlib(options: AuthlibOptions): Promise<AuthlibServer> {
  const stateDir = mkdtempSync(join(tmpdir(), 'tokenkeeper-authlib-'));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(stateDir, 'signing-key.pem'), privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    AUTHLIB_STATE_DIR: stateDir,
    AUTHLIB_ISSUER: origin,
    AUTHLIB_SECRET_KEY: randomBytes(32).toString('hex'),
    AUTHLIB_ACCESS_TOKEN_SECONDS: String(options.accessTokenSeconds),
    // Authlib refuses plain http unless told that this is a development server (here, on loopback).
    AUTHLIB_INSECURE_TRANSPORT: '1',
    // No __pycache__ folders in the repository.
    PYTHONDONTWRITEBYTECODE: '1',
  };
  let child: ChildProcess | undefined;
  try {
    const setup = await promisify(execFile)(
      SYSTEM_PYTHON,
      [SERVER, 'setup', ...setupArguments(options)],
      { env },
    );
    const { subjects } = JSON.parse(setup.stdout) as { subjects: Record<string, string> };

    child = await startChildServer('Authlib', SYSTEM_PYTHON, [SERVER, 'serve', `--port=${port}`], { env, readyUrl: `${origin}/.well-known/openid-configuration` });

    return {
      origin,
      subjects,
      databasePath: join(stateDir, 'authlib.sqlite3'),
      counts: () => countsAt('Authlib', origin),
      close: () => stopAndRemove(child, stateDir),
    };
  } catch (error) {
    await stopAndRemove(child, stateDir);
    throw error;
  }
}
