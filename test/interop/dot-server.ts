// Starts the Django OAuth Toolkit server of test/interop/dot/ for one test
// suite: a fresh state folder (SQLite database, keys), its users and client,
// then `manage.py runserver` on a free port, stopped and deleted by close().
import { execFile, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../support/free-port.js';
import type { TestDialect } from '../support/postgres.js';
import { countsAt, describeEachDialectWith, setupArguments, startChildServer, stopAndRemove, type CountedServer, type InteropServer, type InteropSetup } from './child-server.js';

/** Debian's python3-django-oauth-toolkit installs for this interpreter (a pyenv python on PATH lacks it). */
export const SYSTEM_PYTHON = '/usr/bin/python3';
const PROJECT_DIR = fileURLToPath(new URL('./dot/', import.meta.url));
const SKIP_NOTICE = 'Django OAuth Toolkit not found: its interop tests are skipped (apt-get install python3-django-oauth-toolkit)';

export interface DotOptions extends InteropSetup {
  accessTokenSeconds: number;
}

/** DOT: the issuer is `${origin}/o`; each user's `sub` is their primary key. */
export type DotServer = CountedServer;

export function dotInstalled(): boolean {
  return spawnSync(SYSTEM_PYTHON, ['-c', 'import oauth2_provider'], { stdio: 'ignore' }).status === 0;
}

const DOT: InteropServer = {
  name: 'Django OAuth Toolkit',
  installed: dotInstalled,
  missing: `${SYSTEM_PYTHON} cannot import oauth2_provider (apt-get install python3-django-oauth-toolkit)`,
  skipNotice: SKIP_NOTICE,
};

/**
 * describeEachDialect for tests that need DOT: skipped with one notice when
 * it is not installed, but failing when CI=true.
 */
export function describeEachDialectWithDot(title: string, body: (dialect: TestDialect) => void): void {
  describeEachDialectWith(DOT, title, body);
}

export async function startDot(options: DotOptions): Promise<DotServer> {
  const stateDir = mkdtempSync(join(tmpdir(), 'tokenkeeper-dot-'));
  const env = {
    ...process.env,
    DOT_STATE_DIR: stateDir,
    DOT_ACCESS_TOKEN_EXPIRE_SECONDS: String(options.accessTokenSeconds),
    // No __pycache__ folders in the repository.
    PYTHONDONTWRITEBYTECODE: '1',
  };
  let child: ChildProcess | undefined;
  try {
    const setup = await promisify(execFile)(
      SYSTEM_PYTHON,
      ['manage.py', 'dot_setup', ...setupArguments(options)],
      { cwd: PROJECT_DIR, env },
    );
    const { subjects } = JSON.parse(setup.stdout) as { subjects: Record<string, string> };

    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    child = await startChildServer('DOT', SYSTEM_PYTHON, ['manage.py', 'runserver', '--noreload', `127.0.0.1:${port}`], { cwd: PROJECT_DIR, env, readyUrl: `${origin}/o/.well-known/openid-configuration/` });

    return {
      origin,
      subjects,
      databasePath: join(stateDir, 'dot.sqlite3'),
      counts: () => countsAt('DOT', origin),
      close: () => stopAndRemove(child, stateDir),
    };
  } catch (error) {
    await stopAndRemove(child, stateDir);
    throw error;
  }
}
