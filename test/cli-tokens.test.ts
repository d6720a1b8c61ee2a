import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured } from './support/cli.js';
import { runTokens } from '../src/cli/tokens.command.js';
import type { Environment } from '../src/config/env-file.js';
import { openDatabase } from '../src/db/database.js';
import { knownMigrations, pendingMigrations } from '../src/db/migrate.js';
import { encryptionKeyId, generateEncryptionKey, parseEncryptionKeys, TokenCipher, tokenAssociatedData } from '../src/db/token-cipher.js';
import { describeEachDialect } from './support/postgres.js';
import { signedInUser } from './support/signed-in.js';
import { APP_ORIGIN, CLIENT_ID, CLIENT_SECRET, testAppEnv, type TestApp } from './support/test-app.js';
import { freePort } from './support/free-port.js';
import { useTestApp } from './support/use-test-app.js';
import { newWebhookSecret, startWebhookReceiver } from './support/webhook-receiver.js';

// A working folder without .env, so only the environment given here counts.
const cwd = mkdtempSync(join(tmpdir(), 'tokenkeeper-cli-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/** Runs `tokenkeeper tokens …` in-process with its own environment and captured output. */
const tokensCli = (args: string[], env: Environment) => runCaptured(runTokens, args, { env, cwd });

/** The environment the test app was configured from (see startTestApp), for the CLI. */
const cliEnvironment = (app: TestApp, databaseUrl: string): Environment => testAppEnv({ baseUrl: APP_ORIGIN, databaseUrl, issuer: app.provider.issuer });

describe('tokens: bad usage', () => {
  // Usage is checked before any configuration is read, so no environment is needed.
  it.each([
    [['refresh'], /takes exactly one token id/],
    [['revoke', 'a', 'b'], /takes exactly one token id/],
    [['list', '--bogus'], /Unknown option '--bogus'/],
    [['list', '--status', 'expired'], /--status must be active or needs_reauth/],
    [['list', '--limit', '0'], /--limit must be a whole number/],
    [['list', '--limit'], /--limit/],
    [['frobnicate'], /unknown subcommand "frobnicate"/],
    [[], /missing subcommand/],
  ])('tokens %j prints the usage and exits 2', async (args, problem) => {
    const result = await tokensCli(args, {});
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(problem);
    expect(result.stderr).toContain('Usage: tokenkeeper tokens list [--json]');
  });
});

describe('tokens: help after a subcommand', () => {
  it.each([[['list', '--help']], [['list', '--json', '-h']], [['refresh', '--help']], [['revoke', '-h']]])(
    'tokens %j prints the usage on stdout and exits 0, running nothing',
    async (args) => {
      const result = await tokensCli(args, {});
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain('Usage: tokenkeeper tokens list [--json]');
    },
  );
});

describeEachDialect('tokenkeeper tokens', (dialect) => {
  const { app, database } = useTestApp(dialect);
  let env: Environment;

  beforeAll(async () => {
    env = cliEnvironment(app(), database().url);
  });

  async function tokenValues(userId: string): Promise<string[]> {
    const stored = await app().runtime.tokenStore.findToken(userId, 'toolkit');
    return [stored!.accessToken, stored!.refreshToken, stored!.idToken].filter((v): v is string => v !== null);
  }

  async function tokenIdOf(userId: string): Promise<string> {
    return (await app().runtime.tokenStore.findTokenSummary(userId, 'toolkit'))!.id;
  }

  it('list shows the signed-in user\'s token in a table, and no token value', async () => {
    const alice = await signedInUser(app(), 'alice');
    const { id, scope } = (await app().runtime.tokenStore.findTokenSummary(alice.userId, 'toolkit'))!;

    const result = await tokensCli(['list'], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+USER\s+PROVIDER\s+STATUS\s+EXPIRES\s+SCOPE\s+LAST REFRESHED\s+LAST ERROR$/);
    const row = rows.find((line) => line.startsWith(id));
    expect(row).toMatch(new RegExp(`^${id}\\s+alice\\s+toolkit\\s+active\\s+in \\d+ (s|min) \\(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\)\\s+${scope}\\s+never\\s+-$`));
    for (const value of await tokenValues(alice.userId)) expect(result.stdout).not.toContain(value);
  });

  it('list --json prints an array of the same fields (epoch seconds), newest first, never a token value', async () => {
    const bob = await signedInUser(app(), 'bob');
    const alice = (await app().runtime.tokenStore.listTokenSummaries({ limit: 10 })).find((t) => t.userId !== bob.userId)!;

    const result = await tokensCli(['list', '--json'], env);
    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(listed.map((t) => t.username)).toEqual(['bob', 'alice']);
    expect(Object.keys(listed[0]!)).toEqual([
      'id', 'userId', 'username', 'provider', 'status', 'expiresAt', 'scope', 'hasRefreshToken', 'refreshTokenExpiresAt', 'lastRefreshedAt', 'lastError', 'createdAt',
    ]);
    expect(listed[0]).toMatchObject({
      id: await tokenIdOf(bob.userId),
      userId: bob.userId,
      provider: 'toolkit',
      status: 'active',
      scope: (await app().runtime.tokenStore.findTokenSummary(bob.userId, 'toolkit'))!.scope,
      hasRefreshToken: true,
      refreshTokenExpiresAt: null,
      lastRefreshedAt: null,
      lastError: null,
    });
    expect(listed[0]!.expiresAt).toBeGreaterThan(Math.floor(Date.now() / 1000));
    for (const value of [...(await tokenValues(bob.userId)), ...(await tokenValues(alice.userId))]) expect(result.stdout).not.toContain(value);

    const cut = await tokensCli(['list', '--json', '--limit', '1'], env);
    expect(JSON.parse(cut.stdout)).toHaveLength(1);
    // A list cut at --limit says so, on stderr (stdout stays the JSON); one that shows every token does not.
    expect(cut.stderr).toBe('tokenkeeper tokens list: the 1 newest shown; there are more (--limit N shows up to 10000)\n');
    expect((await tokensCli(['list', '--json', '--limit', '2'], env)).stderr).toBe('');
    expect(JSON.parse((await tokensCli(['list', '--json', '--provider', 'github'], env)).stdout)).toEqual([]);
    expect(JSON.parse((await tokensCli(['list', '--json', '--status', 'needs_reauth'], env)).stdout)).toEqual([]);
  });

  it('list --provider with a name no provider has says so on stderr; a configured one with no tokens lists nothing quietly', async () => {
    await signedInUser(app(), 'alice');
    expect(await tokensCli(['list', '--provider', 'tolkit'], env)).toEqual({
      code: 0,
      stdout: 'No tokens.\n',
      stderr: 'tokenkeeper tokens list: no provider named "tolkit" is configured (configured: toolkit)\n',
    });
    expect(JSON.parse((await tokensCli(['list', '--json', '--provider', 'tolkit'], env)).stdout)).toEqual([]);
    expect(await tokensCli(['list', '--provider', 'toolkit', '--status', 'needs_reauth'], env)).toEqual({ code: 0, stdout: 'No tokens.\n', stderr: '' });
  });

  it('refresh gets a new access token from the provider (one refresh) and prints the new expiry, not the token', async () => {
    const bob = await signedInUser(app(), 'bob');
    const id = await tokenIdOf(bob.userId);
    const before = await app().runtime.tokenStore.findToken(bob.userId, 'toolkit');
    const refreshes = app().provider.stats.refreshTokenGrants;

    const result = await tokensCli(['refresh', id], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Refreshed token ${id} \\(bob, toolkit\\): the new access token expires in \\d+ (s|min) \\(.* UTC\\)\\.\\n$`));
    expect(app().provider.stats.refreshTokenGrants).toBe(refreshes + 1);

    const after = await app().runtime.tokenStore.findToken(bob.userId, 'toolkit');
    expect(after!.accessToken).not.toBe(before!.accessToken);
    expect(after!.lastRefreshedAt).not.toBeNull();
    for (const value of [...(await tokenValues(bob.userId)), before!.accessToken]) expect(result.stdout).not.toContain(value);
    // Audited like a refresh in the app.
    const audit = await database().db.selectFrom('audit_log').select('target_id').where('event', '=', 'token.refreshed').execute();
    expect(audit.map((a) => a.target_id)).toContain(`${bob.userId}:toolkit`);
  });

  it('refresh of a connection that needs re-auth fails with one line and asks the provider nothing', async () => {
    const alice = await signedInUser(app(), 'alice');
    const id = await tokenIdOf(alice.userId);
    await database().db.updateTable('tokens').set({ status: 'needs_reauth', last_error: 'invalid_grant' }).where('id', '=', id).execute();
    const refreshes = app().provider.stats.refreshTokenGrants;

    const result = await tokensCli(['refresh', id], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`tokenkeeper tokens refresh: token ${id} (alice, toolkit) needs re-auth: alice must sign in with Toolkit again.\n`);
    expect(app().provider.stats.refreshTokenGrants).toBe(refreshes);

    const listed = JSON.parse((await tokensCli(['list', '--json', '--status', 'needs_reauth'], env)).stdout) as Array<{ id: string; lastError: string }>;
    expect(listed).toEqual([expect.objectContaining({ id, lastError: 'invalid_grant' })]);
  });

  it('without OAUTH_PROVIDERS, refresh uses the dev provider of a running serve and says so when it is down', async () => {
    const bob = await signedInUser(app(), 'bob');
    const id = await tokenIdOf(bob.userId);
    const { OAUTH_PROVIDERS: _, ...withoutProviders } = env;

    const result = await tokensCli(['refresh', id], { ...withoutProviders, DEV_PROVIDER_PORT: String(await freePort()) });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^tokenkeeper tokens refresh: could not refresh token \S+ \(bob, toolkit\): Toolkit could not be reached for the discovery at http:\/\/localhost:\d+\/\.well-known\/openid-configuration\. Is `tokenkeeper serve` running\?/);
  });

  it('revoke revokes at the provider, deletes the row and says the provider confirmed', async () => {
    const mallory = await signedInUser(app(), 'mallory');
    const id = await tokenIdOf(mallory.userId);
    const stored = await app().runtime.tokenStore.findToken(mallory.userId, 'toolkit');
    const revocations = app().provider.stats.revocations;

    const result = await tokensCli(['revoke', id], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Revoked token ${id} (mallory, toolkit): Toolkit confirmed the revocation; the stored tokens are deleted.\n`);
    expect(app().provider.stats.revocations).toBeGreaterThan(revocations);
    expect(await app().runtime.tokenStore.findTokenSummaryById(id)).toBeUndefined();

    // The provider no longer accepts the refresh token.
    const config = await oidc.discovery(new URL(app().provider.issuer), CLIENT_ID, CLIENT_SECRET, undefined, { execute: [oidc.allowInsecureRequests] });
    await expect(oidc.refreshTokenGrant(config, stored!.refreshToken!)).rejects.toMatchObject({ error: 'invalid_grant' });
    const audit = await database().db.selectFrom('audit_log').select('target_id').where('event', '=', 'token.revoked').execute();
    expect(audit.map((a) => a.target_id)).toContain(`${mallory.userId}:toolkit`);
  });

  it('revoke with webhooks configured: the connection.revoked message it wrote is sent before the command exits', async () => {
    const secret = newWebhookSecret();
    const receiver = await startWebhookReceiver(secret);
    try {
      const alice = await signedInUser(app(), 'alice');
      const id = await tokenIdOf(alice.userId);
      const result = await tokensCli(['revoke', id], { ...env, WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: secret });
      expect(result.code).toBe(0);
      expect(receiver.received.map((hook) => [hook.payload.type, hook.payload.data.user_id, hook.verified])).toEqual([['connection.revoked', alice.userId, true]]);
      const rows = await database().db.selectFrom('webhook_deliveries').select('status').execute();
      expect(rows.map((row) => row.status)).toEqual(['delivered']);
    } finally {
      await receiver.close();
      await database().db.deleteFrom('webhook_deliveries').execute();
    }
  });

  it('revoke without WEBHOOK_URLS on a database whose servers send webhooks says on stderr that no connection.revoked was sent, and still revokes', async () => {
    const secret = newWebhookSecret();
    const receiver = await startWebhookReceiver(secret);
    try {
      const bob = await signedInUser(app(), 'bob');
      const alone = await tokensCli(['revoke', await tokenIdOf(bob.userId)], env);
      // No webhooks in use here: nothing to say.
      expect([alone.code, alone.stderr]).toEqual([0, '']);

      const alice = await signedInUser(app(), 'alice');
      expect((await tokensCli(['revoke', await tokenIdOf(alice.userId)], { ...env, WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: secret })).code).toBe(0);
      const mallory = await signedInUser(app(), 'mallory');
      const id = await tokenIdOf(mallory.userId);
      const result = await tokensCli(['revoke', id], env);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`Revoked token ${id} (mallory, toolkit): Toolkit confirmed the revocation; the stored tokens are deleted.\n`);
      expect(result.stderr).toBe(
        'tokenkeeper tokens revoke: WEBHOOK_URLS is not set for this command, but servers on this database send webhooks: no connection.revoked webhook was sent for this change (run it with the same WEBHOOK_URLS and WEBHOOK_SECRET as serve).\n',
      );
      expect(receiver.received.map((hook) => hook.payload.data.user_id)).toEqual([alice.userId]);
    } finally {
      await receiver.close();
      await database().db.deleteFrom('webhook_deliveries').execute();
    }
  });

  it('revoke deletes the tokens even when the provider cannot confirm, and says so', async () => {
    const bob = await signedInUser(app(), 'bob');
    const id = await tokenIdOf(bob.userId);
    const unreachable = { ...env, TOOLKIT_ISSUER: `http://127.0.0.1:${await freePort()}` };

    const result = await tokensCli(['revoke', id], unreachable);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Deleted token ${id} \\(bob, toolkit\\) locally; Toolkit did not confirm the revocation: .+\\.\\n$`));
    expect(await app().runtime.tokenStore.findTokenSummaryById(id)).toBeUndefined();
  });

  it.each(['refresh', 'revoke'])('%s of a token no configured key decrypts says which key it needs and what else helps, and changes nothing', async (action) => {
    const bob = await signedInUser(app(), 'bob');
    const id = await tokenIdOf(bob.userId);
    const lostKey = generateEncryptionKey();
    const lost = new TokenCipher(parseEncryptionKeys(lostKey));
    await database()
      .db.updateTable('tokens')
      .set({ access_token: lost.encrypt('lost-access', tokenAssociatedData(bob.userId, 'toolkit', 'access_token')) })
      .where('id', '=', id)
      .execute();
    const before = await database().db.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const revocations = app().provider.stats.revocations;

    const result = await tokensCli([action, id], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `tokenkeeper tokens ${action}: token ${id} (bob, toolkit) cannot be read: value was encrypted with key ${encryptionKeyId(Buffer.from(lostKey, 'base64'))}, which is not among the configured encryption keys; nothing was sent to Toolkit or changed here (put that key back in TOKEN_ENCRYPTION_KEYS, or bob signs in with Toolkit again, which replaces it; \`tokenkeeper tokens revoke ${id} --forget\` deletes it here).\n`,
    );
    expect(await database().db.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirst()).toEqual(before);
    expect(app().provider.stats.revocations).toBe(revocations);
    if (action !== 'revoke') return;

    // Forgotten: deleted here, never sent to the provider, and recorded as a revocation it did not confirm.
    const forgotten = await tokensCli(['revoke', id, '--forget'], env);
    expect([forgotten.code, forgotten.stderr]).toEqual([0, '']);
    expect(forgotten.stdout).toBe(`Deleted token ${id} (bob, toolkit) here, without sending it to Toolkit: it may keep working there until it expires.\n`);
    expect(await app().runtime.tokenStore.findTokenSummaryById(id)).toBeUndefined();
    expect(app().provider.stats.revocations).toBe(revocations);
    const audit = await database().db.selectFrom('audit_log').select(['target_id', 'detail']).where('event', '=', 'token.revoked').execute();
    expect(audit.find((entry) => entry.target_id === `${bob.userId}:toolkit` && entry.detail?.includes('--forget'))).toBeDefined();
  });

  it('a token of a provider OAUTH_PROVIDERS no longer lists: refresh and revoke say so and what helps; revoke --forget deletes it', async () => {
    const alice = await signedInUser(app(), 'alice');
    const id = await tokenIdOf(alice.userId);
    await database().db.updateTable('tokens').set({ provider: 'retired' }).where('id', '=', id).execute();
    for (const [action, done] of [['refresh', 'refreshed'], ['revoke', 'revoked']] as const) {
      const result = await tokensCli([action, id], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `tokenkeeper tokens ${action}: token ${id} (alice, retired) is of the provider "retired", which OAUTH_PROVIDERS does not list: it cannot be ${done} there. \`tokenkeeper tokens revoke ${id} --forget\` deletes it here.\n`,
      );
    }
    const forgotten = await tokensCli(['revoke', id, '--forget'], env);
    expect(forgotten.code).toBe(0);
    expect(forgotten.stdout).toBe(`Deleted token ${id} (alice, retired) here, without sending it to "retired": it may keep working there until it expires.\n`);
    expect(await app().runtime.tokenStore.findTokenSummaryById(id)).toBeUndefined();
    expect((await tokensCli(['refresh', id, '--forget'], env)).code).toBe(2);
  });

  it.each(['refresh', 'revoke'])('%s of an unknown id exits 1 with a clear message', async (action) => {
    const result = await tokensCli([action, 'no-such-token'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`tokenkeeper tokens ${action}: no token with id "no-such-token" (see \`tokenkeeper tokens list\`).\n`);
  });

  it('on a database a newer version migrated every command runs, and says so on stderr (a rolling upgrade, a rollback)', async () => {
    const ahead = await dialect.openTestDatabase({ migrate: true });
    try {
      await sql`insert into kysely_migration (name, timestamp) values ('2099-01-01T0000-newer', '2099-01-01T00:00:00.000Z')`.execute(ahead.db);
      const listed = await tokensCli(['list', '--json'], { ...env, DATABASE_URL: ahead.url });
      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.stdout)).toEqual([]);
      // One plain line, as `migrate` and `keys rotate` say it, not a JSON log line for a person at a terminal.
      const newer =
        'the database has a migration this version does not have (2099-01-01T0000-newer): a newer version of tokenkeeper migrated it. This version runs on it, as during a rolling upgrade or after a rollback; finish the upgrade to run the newer version everywhere.';
      expect(listed.stderr).toBe(`tokenkeeper tokens list: ${newer}\n`);
      const refreshed = await tokensCli(['refresh', 'x'], { ...env, DATABASE_URL: ahead.url });
      expect(refreshed.stderr).toBe(`tokenkeeper tokens refresh: ${newer}\ntokenkeeper tokens refresh: no token with id "x" (see \`tokenkeeper tokens list\`).\n`);
      // LOG_LEVEL asks for the log itself: its lines stay JSON, for a collector.
      const logged = await tokensCli(['list', '--json'], { ...env, DATABASE_URL: ahead.url, LOG_LEVEL: 'warn' });
      expect(JSON.parse(logged.stderr.trim())).toMatchObject({ level: 40, msg: newer, migrations: ['2099-01-01T0000-newer'] });
    } finally {
      await ahead.close();
    }
  });

  it('with pending migrations every command says to run `tokenkeeper migrate`, and migrates nothing', async () => {
    const unmigrated = await dialect.openTestDatabase({ migrate: false });
    try {
      const unmigratedEnv = { ...env, DATABASE_URL: unmigrated.url };
      for (const args of [['list'], ['list', '--json'], ['refresh', 'x'], ['revoke', 'x']]) {
        const result = await tokensCli(args, unmigratedEnv);
        expect(result.code).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr).toMatch(
          new RegExp(`^tokenkeeper tokens ${args[0]}: the database has (a pending migration|\\d+ pending migrations) \\(${knownMigrations()[0]}.*\\); run \`tokenkeeper migrate\` first\\.\\n$`),
        );
      }
      const check = await openDatabase(unmigrated.url);
      try {
        expect(await pendingMigrations(check)).toEqual(knownMigrations());
      } finally {
        await check.close();
      }
    } finally {
      await unmigrated.close();
    }
  });
});
