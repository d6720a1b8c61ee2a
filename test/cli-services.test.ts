import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeys } from '../src/cli/keys.command.js';
import { main } from '../src/cli/main.js';
import { runTokens } from '../src/cli/tokens.command.js';
import { runServices } from '../src/cli/services.command.js';
import type { Environment } from '../src/config/env-file.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { runCaptured } from './support/cli.js';
import { testClock } from './support/clock.js';
import { describeEachDialect } from './support/postgres.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import { APP_ORIGIN, testAppEnv } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

// A working folder without .env, so only the environment given here counts.
const cwd = mkdtempSync(join(tmpdir(), 'tokenkeeper-cli-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('services: bad usage', () => {
  it.each([
    [['create', 'billing'], /create needs --permissions/],
    [['create', 'billing', '--permissions', 'tokens:read,everything'], /unknown permission "everything"/],
    [['create', '--permissions', 'proxy'], /create takes exactly one service name/],
    [['create', 'billing', '--permissions', 'proxy', '--providers', ','], /--providers needs at least one provider name/],
    [['rotate', 'billing', '--grace-seconds', '-5'], /--grace-seconds is followed by "-5", which reads as another option: to give it as the value, write --grace-seconds=-5\n/],
    [['rotate', 'billing', '--grace-seconds=-5'], /--grace-seconds must be a whole number from 0 to 2592000/],
    [['rotate', 'billing', '--grace-seconds', '2592001'], /--grace-seconds must be a whole number from 0 to 2592000/],
    [['revoke'], /revoke takes exactly one service name/],
    [['list', '--bogus'], /Unknown option '--bogus'/],
    [['frobnicate'], /unknown subcommand "frobnicate"/],
    [[], /missing subcommand/],
  ])('services %j prints the usage and exits 2', async (args, problem) => {
    const result = await runCaptured(runServices, args, { env: {}, cwd });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(problem);
    expect(result.stderr).toContain('Usage: tokenkeeper services create <name> --permissions <list>');
  });

  it.each([[['create', '--help']], [['create', 'billing', '--permissions', 'proxy', '-h']], [['rotate', 'billing', '--help']], [['list', '--help']]])(
    'services %j prints the usage on stdout and exits 0, running nothing',
    async (args) => {
      const result = await runCaptured(runServices, args, { env: {}, cwd });
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain('Usage: tokenkeeper services create <name> --permissions <list>');
    },
  );

  it('is a command of `tokenkeeper` and named in its help', async () => {
    const logged: string[] = [];
    const log = console.log;
    console.log = (text: string) => void logged.push(text);
    try {
      expect(await main(['help'])).toBe(0);
    } finally {
      console.log = log;
    }
    expect(logged.join('\n')).toContain('services create <name> --permissions <list> [--providers <list>]');
  });
});

describe('a SQLite DATABASE_URL naming no file (a typo)', () => {
  it.each([
    ['services list', runServices, ['list']],
    ['tokens list', runTokens, ['list']],
    ['keys rotate', runKeys, ['rotate']],
  ] as const)('%s says there is no database there, exits 1, and creates none', async (what, run, args) => {
    const path = join(cwd, 'tokenkeepr.db');
    const env = testAppEnv({ baseUrl: APP_ORIGIN, databaseUrl: `sqlite:${path}`, issuer: 'http://127.0.0.1:9' });
    const result = await runCaptured(run, [...args], { env, cwd });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `tokenkeeper ${what}: there is no SQLite database at ${path}: check DATABASE_URL, or create it with \`tokenkeeper migrate\`.\n`,
    });
    expect(existsSync(path)).toBe(false);
  });
});

describe('a relative SQLite DATABASE_URL', () => {
  // The working folder's, as its .env and ./data are: not wherever the process that runs the command was started.
  it.each([
    ['services list', runServices, ['list']],
    ['tokens list', runTokens, ['list']],
    ['keys rotate', runKeys, ['rotate']],
  ] as const)('%s opens the database under its working folder', async (_what, run, args) => {
    const folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-relative-'));
    try {
      const database = await openDatabase(`sqlite:${join(folder, 'app.db')}`);
      await migrateToLatest(database);
      await database.close();
      const env = testAppEnv({ baseUrl: APP_ORIGIN, databaseUrl: 'sqlite:./app.db', issuer: 'http://127.0.0.1:9' });
      const result = await runCaptured(run, [...args], { env, cwd: folder });
      expect(result.code, result.stderr).toBe(0);
      expect(existsSync(join(process.cwd(), 'app.db'))).toBe(false);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describeEachDialect('tokenkeeper services', (dialect) => {
  const clock = testClock();
  const { app, database } = useTestApp(dialect, { now: () => clock.now() });
  let env: Environment;
  let alice: SignedInUser;
  const cli = (args: string[]) => runCaptured(runServices, args, { env, cwd, now: () => clock.now() });
  const callWith = (key: string) =>
    app().runtime.app.inject({ method: 'GET', url: `/api/v1/users/${alice.userId}`, headers: { authorization: `Bearer ${key}` } });

  beforeAll(async () => {
    env = testAppEnv({ baseUrl: APP_ORIGIN, databaseUrl: database().url, issuer: app().provider.issuer });
    alice = await signedInUser(app(), 'alice');
  });

  it('create prints the key once, alone on the last line, and it works against the API; audited', async () => {
    const result = await cli(['create', 'billing', '--permissions', 'connections:read, tokens:read', '--providers', 'toolkit']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    const key = lines.at(-1)!;
    expect(key).toMatch(/^tks_[0-9A-Z]{26}_[A-Za-z0-9_-]{43}$/);
    expect(lines.slice(0, -1).join('\n')).not.toContain(key);
    expect(lines[0]).toBe('Created the service key "billing": permissions connections:read, tokens:read; providers toolkit.');
    expect((await callWith(key)).statusCode).toBe(200);

    const audit = await database().db.selectFrom('audit_log').selectAll().where('event', '=', 'service_key.created').execute();
    expect(audit.map((row) => JSON.parse(row.detail!))).toContainEqual({ name: 'billing', permissions: ['connections:read', 'tokens:read'], providers: ['toolkit'], via: 'cli' });
    expect(JSON.stringify(audit)).not.toContain(key.slice(4));
  });

  it('create refuses a name taken, a bad name, or a provider not configured: exit 1, one line', async () => {
    for (const [args, message] of [
      [['create', 'billing', '--permissions', 'proxy'], 'A service key named "billing" exists already: revoke or rotate it.'],
      [['create', 'bad name!', '--permissions', 'proxy'], 'A service name is 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit.'],
      [['create', 'gh', '--permissions', 'proxy', '--providers', 'github'], 'No provider named "github" is configured (toolkit).'],
    ] as const) {
      const result = await cli([...args]);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`tokenkeeper services create: ${message}\n`);
    }
  });

  it('list shows name, permissions, providers, created and last used; --json the same fields in epoch seconds, never a hash', async () => {
    const created = await cli(['create', 'analytics', '--permissions', 'connections:read']);
    await callWith(created.stdout.trimEnd().split('\n').at(-1)!);
    const table = await cli(['list']);
    expect(table.code).toBe(0);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^NAME\s+PERMISSIONS\s+PROVIDERS\s+CREATED\s+LAST USED$/);
    expect(rows.find((row) => row.startsWith('analytics'))).toMatch(/^analytics\s+connections:read\s+all\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);

    const json = await cli(['list', '--json']);
    const listed = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(listed.find((key) => key.name === 'analytics')).toEqual({
      id: expect.any(String),
      name: 'analytics',
      permissions: ['connections:read'],
      providers: null,
      created_at: clock.now(),
      rotated_at: null,
      last_used_at: clock.now(),
      previous_key_expires_at: null,
    });
    const hashes = await database().db.selectFrom('service_keys').select('secret_hash').execute();
    for (const { secret_hash } of hashes) expect(json.stdout).not.toContain(secret_hash);
  });

  it('rotate prints a new key on the last line; the old one works for --grace-seconds; revoke ends the key', async () => {
    const old = (await cli(['create', 'rotated', '--permissions', 'connections:read'])).stdout.trimEnd().split('\n').at(-1)!;
    const rotated = await cli(['rotate', 'rotated', '--grace-seconds', '30']);
    expect(rotated.code).toBe(0);
    const fresh = rotated.stdout.trimEnd().split('\n').at(-1)!;
    expect(fresh).toMatch(/^tks_/);
    expect(fresh).not.toBe(old);
    expect(rotated.stdout).toMatch(/^Rotated the service key "rotated"\. The old key works until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\.\n/);
    expect((await callWith(old)).statusCode).toBe(200);
    clock.advance(30);
    expect((await callWith(old)).statusCode).toBe(401);
    expect((await callWith(fresh)).statusCode).toBe(200);

    const revoked = await cli(['revoke', 'rotated']);
    expect(revoked).toEqual({ code: 0, stdout: 'Revoked the service key "rotated": it no longer works.\n', stderr: '' });
    expect((await callWith(fresh)).statusCode).toBe(401);
    const events = await database().db.selectFrom('audit_log').select('event').where('event', 'in', ['service_key.rotated', 'service_key.revoked']).orderBy('id').execute();
    expect(events.map((row) => row.event)).toEqual(['service_key.rotated', 'service_key.revoked']);

    const again = await cli(['revoke', 'rotated']);
    expect(again).toEqual({ code: 1, stdout: '', stderr: 'tokenkeeper services revoke: No service key is named "rotated".\n' });
  });
  it('rotating again during a grace period ends the earlier old key at once, and says so (a key keeps one old secret); the audit entry records it', async () => {
    const first = (await cli(['create', 'twice', '--permissions', 'connections:read'])).stdout.trimEnd().split('\n').at(-1)!;
    const once = await cli(['rotate', 'twice', '--grace-seconds', '600']);
    const second = once.stdout.trimEnd().split('\n').at(-1)!;
    expect(once.stdout).not.toContain('an earlier rotation');
    clock.advance(60);
    const twice = await cli(['rotate', 'twice', '--grace-seconds', '600']);
    expect(twice.code).toBe(0);
    const third = twice.stdout.trimEnd().split('\n').at(-1)!;
    const lines = twice.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Rotated the service key "twice"\. The old key works until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\.$/);
    // The first key's grace was to last 540 s more: it ends now, and the output says so.
    expect(lines[1]).toMatch(/^The key before it, which an earlier rotation left working until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, no longer works: a key keeps one old secret at a time\.$/);
    expect((await callWith(first)).statusCode).toBe(401);
    expect((await callWith(second)).statusCode).toBe(200);
    expect((await callWith(third)).statusCode).toBe(200);
    const entries = await database().db.selectFrom('audit_log').select('detail').where('event', '=', 'service_key.rotated').orderBy('id').execute();
    expect(JSON.parse(entries.at(-1)!.detail!)).toMatchObject({ name: 'twice', graceSeconds: 600, endedEarlierGraceDueAt: clock.now() + 540 });
    await cli(['revoke', 'twice']);
  });
});
