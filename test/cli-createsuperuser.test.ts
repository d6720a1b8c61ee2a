import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCreateSuperuser, type CreateSuperuserIo } from '../src/cli/createsuperuser.command.js';
import type { Environment } from '../src/config/env-file.js';
import { createUser, findUserCredentials } from '../src/db/user.repository.js';
import { verifyPassword } from '../src/server/admin/auth/passwords.js';
import { runCaptured } from './support/cli.js';
import { describeEachDialect } from './support/postgres.js';
import { useTestApp } from './support/use-test-app.js';

const PASSWORD = 'correct horse battery';

// A working folder without .env, so only the environment given here counts.
const cwd = mkdtempSync(join(tmpdir(), 'tokenkeeper-cli-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function environment(databaseUrl: string, extra: Environment = {}): Environment {
  return {
    DATABASE_URL: databaseUrl,
    SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
    OAUTH_PROVIDERS: 'toolkit',
    TOOLKIT_ISSUER: 'http://127.0.0.1:9/never-called',
    TOOLKIT_CLIENT_ID: 'client',
    TOOLKIT_CLIENT_SECRET: 'secret',
    ...extra,
  };
}

/** Runs `tokenkeeper createsuperuser …` in-process; stdin is a pipe (not a terminal) holding `stdin`. */
const createsuperuser = (args: string[], env: Environment, stdin = '') =>
  runCaptured<CreateSuperuserIo>(runCreateSuperuser, args, { env, cwd, stdin: Readable.from([stdin]) });

/**
 * A terminal for the interactive prompts: answers are typed only once their
 * prompt has been shown, as a person would, and everything shown is kept.
 */
class FakeTerminal {
  readonly input = Object.assign(new PassThrough(), { isTTY: true });
  shown = '';
  errors = '';
  #seen = 0;

  io(env: Environment): CreateSuperuserIo {
    return {
      env,
      cwd,
      stdin: this.input,
      stdout: { write: (text: string) => (this.shown += text) },
      stderr: { write: (text: string) => (this.errors += text) },
    };
  }

  /** Waits for `prompt` to appear after the previous one, then types `answer` and Enter. */
  async answer(prompt: string, answer: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const at = this.shown.indexOf(prompt, this.#seen);
      if (at >= 0) {
        this.#seen = at + prompt.length;
        break;
      }
      if (Date.now() > deadline) throw new Error(`no prompt ${JSON.stringify(prompt)}; shown so far: ${JSON.stringify(this.shown)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    this.input.write(`${answer}\r`);
  }
}

describe('createsuperuser: bad usage', () => {
  it('with no flags and stdin not a terminal, prints the usage and exits 2 without touching a database', async () => {
    const result = await createsuperuser([], {});
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^tokenkeeper createsuperuser: stdin is not a terminal, so nothing can be asked: give --username and --email\n/);
    expect(result.stderr).toContain('Usage: tokenkeeper createsuperuser');
  });

  it('with TOKENKEEPER_SUPERUSER_PASSWORD set but empty, says so rather than asking for it to be set (exit 2)', async () => {
    const result = await createsuperuser(['--username', 'root', '--email', 'root@example.com'], { TOKENKEEPER_SUPERUSER_PASSWORD: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^tokenkeeper createsuperuser: TOKENKEEPER_SUPERUSER_PASSWORD is set but empty \(from a shell variable that is not set\?\): give the password in it, or on stdin with --password-stdin\n/,
    );
  });

  it.each([
    [['--username', 'root', '--email', 'root@example.com'], /give the password on stdin with --password-stdin, or in TOKENKEEPER_SUPERUSER_PASSWORD/],
    [['--password-stdin', '--username', 'root'], /with --password-stdin give --email/],
    [['--password', 'x'], /Unknown option '--password'/],
    [['extra'], /Unexpected argument 'extra'/],
    [['--username', 'ops', '--allow-provider-user', '--password-stdin'], /--allow-provider-user goes with --update/],
  ])('%j prints the usage and exits 2', async (args, problem) => {
    const result = await createsuperuser(args, {});
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(problem);
    expect(result.stderr).toContain('Usage: tokenkeeper createsuperuser');
  });
});

describeEachDialect('tokenkeeper createsuperuser', (dialect) => {
  const { app, database } = useTestApp(dialect);
  let env: Environment;

  beforeAll(async () => {
    env = environment(database().url);
  });

  async function expectSuperuser(username: string, email: string, password: string) {
    const credentials = await findUserCredentials(database().db, username);
    expect(credentials?.user).toMatchObject({ username, email, isStaff: true, isSuperuser: true, isActive: true, isTokenUser: false, provider: null, emailVerified: null });
    expect(await verifyPassword(password, credentials!.passwordHash!)).toBe(true);
    const audit = await database().db.selectFrom('audit_log').selectAll().where('event', '=', 'admin.superuser_created').where('target_id', '=', credentials!.user.id).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).not.toContain(password);
  }

  async function userCount(): Promise<number> {
    return (await database().db.selectFrom('users').select('id').execute()).length;
  }

  it('--password-stdin reads the password from the first line of stdin and creates an active staff superuser', async () => {
    const result = await createsuperuser(['--username', 'root', '--email', 'root@example.com', '--password-stdin'], env, `${PASSWORD}\nignored second line\n`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Superuser "root" created. Sign in at http://localhost:3000/admin/login\n');
    await expectSuperuser('root', 'root@example.com', PASSWORD);
  });

  it('takes the password from TOKENKEEPER_SUPERUSER_PASSWORD, and never prints it', async () => {
    const result = await createsuperuser(['--username', 'ops.admin+1@corp', '--email', 'ops@example.com'], { ...env, TOKENKEEPER_SUPERUSER_PASSWORD: 'another good passphrase' });
    expect(result.code).toBe(0);
    expect(`${result.stdout}${result.stderr}`).not.toContain('another good passphrase');
    await expectSuperuser('ops.admin+1@corp', 'ops@example.com', 'another good passphrase');
  });

  it.each([
    ['a short password', ['--username', 'weak1', '--email', 'weak1@example.com'], 'short', 'The password must be at least 10 characters long.'],
    ['the username as password', ['--username', 'weakling42', '--email', 'w@example.com'], 'WEAKLING42', 'The password must not be the same as the username.'],
    ['a bad username', ['--username', 'has space', '--email', 'a@example.com'], PASSWORD, 'The username must be 1 to 150 characters: letters, digits and . _ @ + - only.'],
    ['a bad e-mail', ['--username', 'mailless', '--email', 'not-an-email'], PASSWORD, 'The e-mail address must look like name@example.com.'],
    ['an empty stdin', ['--username', 'nopass', '--email', 'n@example.com'], '', '--password-stdin: stdin ended before a password line.'],
  ])('refuses %s with one line, exit 1, and creates nobody', async (_what, args, password, message) => {
    const before = await userCount();
    const result = await createsuperuser([...args, '--password-stdin'], env, password === '' ? '' : `${password}\n`);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`tokenkeeper createsuperuser: ${message}\n`);
    expect(await userCount()).toBe(before);
  });

  it('refuses a username that exists; --update sets the password and staff flags of that user instead', async () => {
    await createsuperuser(['--username', 'dupe', '--email', 'dupe@example.com', '--password-stdin'], env, `${PASSWORD}\n`);
    const again = await createsuperuser(['--username', 'dupe', '--email', 'dupe2@example.com', '--password-stdin'], env, 'a different password\n');
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('tokenkeeper createsuperuser: a user named "dupe" already exists (use --update to set their password and make them a superuser).\n');
    const { user, passwordHash } = (await findUserCredentials(database().db, 'dupe'))!;
    expect(await verifyPassword(PASSWORD, passwordHash!)).toBe(true);

    await database().db.updateTable('users').set({ is_staff: 0, is_active: 0 }).where('id', '=', user.id).execute();
    const updated = await createsuperuser(['--username', 'dupe', '--update', '--password-stdin'], env, 'a different password\n');
    expect(updated.stderr).toBe('');
    expect(updated.code).toBe(0);
    expect(updated.stdout).toBe('Superuser "dupe" updated: new password, staff and superuser; 0 sessions ended.\n');
    const after = (await findUserCredentials(database().db, 'dupe'))!;
    expect(after.user).toMatchObject({ id: user.id, email: 'dupe@example.com', isStaff: true, isSuperuser: true, isActive: true });
    expect(await verifyPassword('a different password', after.passwordHash!)).toBe(true);
  });

  /** Signs in at /admin/login; returns the response (303 and a session cookie when it worked). */
  async function adminSignIn(username: string, password: string) {
    const form = await app().runtime.app.inject({ method: 'GET', url: '/admin/login' });
    const cookie = form.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const csrfToken = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    return app().runtime.app.inject({
      method: 'POST',
      url: '/admin/login',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfToken, username, password, next: '/admin' }).toString(),
    });
  }

  it('the superuser it creates can sign in at /admin/login', async () => {
    expect((await createsuperuser(['--username', 'signer', '--email', 'signer@example.com', '--password-stdin'], env, `${PASSWORD}\n`)).code).toBe(0);
    const login = await adminSignIn('signer', PASSWORD);
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/admin');
  });

  it('--update ends the sessions the user had, so the old password signs no one in any more', async () => {
    expect((await createsuperuser(['--username', 'rotated', '--email', 'rotated@example.com', '--password-stdin'], env, `${PASSWORD}\n`)).code).toBe(0);
    const cookies: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      const login = await adminSignIn('rotated', PASSWORD);
      expect(login.statusCode).toBe(303);
      const session = login.cookies.find((c) => c.name === 'tokenkeeper_session')!;
      cookies.push(`${session.name}=${session.value}`);
    }
    for (const cookie of cookies) expect((await app().runtime.app.inject({ method: 'GET', url: '/admin', headers: { cookie } })).statusCode).toBe(200);

    const updated = await createsuperuser(['--username', 'rotated', '--update', '--password-stdin'], env, 'a brand new passphrase\n');
    expect(updated.stderr).toBe('');
    expect(updated.stdout).toBe('Superuser "rotated" updated: new password, staff and superuser; 2 sessions ended.\n');
    for (const cookie of cookies) expect((await app().runtime.app.inject({ method: 'GET', url: '/admin', headers: { cookie } })).statusCode).toBe(302);
    const { user } = (await findUserCredentials(database().db, 'rotated'))!;
    expect(await database().db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute()).toEqual([]);
    expect((await adminSignIn('rotated', PASSWORD)).statusCode).toBe(401);
    expect((await adminSignIn('rotated', 'a brand new passphrase')).statusCode).toBe(303);
  });

  it('--update refuses a user who signed up through a provider, saying so, unless --allow-provider-user is given', async () => {
    // Anyone can sign up through the provider first with the username the operator will choose.
    const squatter = await createUser(database().db, { username: 'ops', email: 'ops@evil.example', isTokenUser: true, provider: 'toolkit', dateJoined: 0 });
    const refusal = 'tokenkeeper createsuperuser: "ops" signed up through toolkit, so whoever holds that identity chose the name; not making them a superuser. If that account is yours, run again with --allow-provider-user.\n';

    const plain = await createsuperuser(['--username', 'ops', '--email', 'ops@example.com', '--password-stdin'], env, `${PASSWORD}\n`);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toBe(
      'tokenkeeper createsuperuser: a user named "ops" already exists and signed up through toolkit; choose another username (to make that provider account a superuser, use --update --allow-provider-user).\n',
    );
    const updated = await createsuperuser(['--username', 'ops', '--update', '--password-stdin'], env, `${PASSWORD}\n`);
    expect(updated.code).toBe(1);
    expect(updated.stdout).toBe('');
    expect(updated.stderr).toBe(refusal);
    const terminal = new FakeTerminal();
    expect(await runCreateSuperuser(['--username', 'ops', '--update'], terminal.io(env))).toBe(1);
    expect(terminal.errors).toBe(refusal);
    expect(terminal.shown).not.toContain('Password');

    const untouched = (await findUserCredentials(database().db, 'ops'))!;
    expect(untouched.user).toMatchObject({ isStaff: false, isSuperuser: false, email: 'ops@evil.example' });
    expect(untouched.passwordHash).toBeNull();
    expect(await database().db.selectFrom('audit_log').select('event').where('target_id', '=', squatter.id).execute()).toEqual([]);

    const allowed = await createsuperuser(['--username', 'ops', '--update', '--allow-provider-user', '--password-stdin'], env, `${PASSWORD}\n`);
    expect(allowed.stderr).toBe('');
    expect(allowed.code).toBe(0);
    expect((await findUserCredentials(database().db, 'ops'))!.user).toMatchObject({ id: squatter.id, isStaff: true, isSuperuser: true });
  });

  it('asks on a terminal: re-asks after a taken name, a weak password and a mismatch, and never shows the password', async () => {
    await createUser(database().db, { username: 'taken', dateJoined: 0 });
    const terminal = new FakeTerminal();
    const run = runCreateSuperuser([], terminal.io(env));
    await terminal.answer('Username: ', 'taken');
    await terminal.answer('Username: ', 'asked');
    await terminal.answer('E-mail address: ', 'not an e-mail');
    await terminal.answer('E-mail address: ', 'asked@example.com');
    await terminal.answer('Password: ', 'short');
    await terminal.answer('Password: ', 'typed secret one');
    await terminal.answer('Password (again): ', 'typed secret two');
    await terminal.answer('Password: ', 'typed secret one');
    await terminal.answer('Password (again): ', 'typed secret one');
    expect(await run).toBe(0);

    expect(terminal.errors).toBe(
      [
        'Error: a user named "taken" already exists; choose another username.',
        'Error: The e-mail address must look like name@example.com.',
        'Error: The password must be at least 10 characters long.',
        'Error: the two passwords differ; try again.',
        '',
      ].join('\n'),
    );
    // What was typed for the username and e-mail is echoed; no password ever is.
    expect(terminal.shown).toContain('asked@example.com');
    expect(terminal.shown).not.toContain('typed secret');
    expect(terminal.shown).not.toContain('short');
    expect(terminal.shown).toContain('Superuser "asked" created.');
    await expectSuperuser('asked', 'asked@example.com', 'typed secret one');
  });

  it('on a terminal, ending the input (Ctrl-D) cancels and creates nobody', async () => {
    const terminal = new FakeTerminal();
    const before = await userCount();
    const run = runCreateSuperuser(['--username', 'halfway'], terminal.io(env));
    await terminal.answer('E-mail address: ', 'halfway@example.com');
    await terminal.answer('Password: ', 'typed secret one');
    terminal.input.end();
    expect(await run).toBe(1);
    expect(terminal.errors).toBe('tokenkeeper createsuperuser: cancelled: the input ended before every answer was given.\n');
    expect(await userCount()).toBe(before);
  });

  it('on a terminal, Ctrl-C at a prompt cancels, saying so, and creates nobody', async () => {
    const terminal = new FakeTerminal();
    const before = await userCount();
    const run = runCreateSuperuser(['--username', 'interrupted'], terminal.io(env));
    await terminal.answer('E-mail address: ', 'interrupted@example.com');
    await terminal.answer('Password: ', '\u0003');
    expect(await run).toBe(1);
    expect(terminal.errors).toBe('tokenkeeper createsuperuser: cancelled (Ctrl-C): nobody was created or changed.\n');
    expect(await userCount()).toBe(before);
  });

  it('with pending migrations it says to run `tokenkeeper migrate`, and creates nothing', async () => {
    const unmigrated = await dialect.openTestDatabase({ migrate: false });
    try {
      const result = await createsuperuser(['--username', 'early', '--email', 'early@example.com', '--password-stdin'], environment(unmigrated.url), `${PASSWORD}\n`);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^tokenkeeper createsuperuser: the database has (a pending migration|\d+ pending migrations) \(.+\); run `tokenkeeper migrate` first\.\n$/);
    } finally {
      await unmigrated.close();
    }
  });
});
