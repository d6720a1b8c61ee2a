import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../src/cli/doctor.command.js';
import { configFromEnvironment } from '../src/cli/load-config.js';
import type { Environment } from '../src/config/env-file.js';
import { parseDatabaseUrl } from '../src/db/database.js';
import { knownMigrations, migrateDown } from '../src/db/migrate.js';
import { encryptionKeyId, generateEncryptionKey } from '../src/db/token-cipher.js';
import type { DevProvider } from '../src/dev-provider/index.js';
import { runCaptured } from './support/cli.js';
import { DIALECTS, type TestDatabase } from './support/postgres.js';
import { freePort } from './support/free-port.js';
import { signedInUser } from './support/signed-in.js';
import { newWebhookSecret, startWebhookReceiver } from './support/webhook-receiver.js';
import { newId } from '../src/db/id.js';
import { APP_ORIGIN, startTestApp, startTestProvider, TEST_ENCRYPTION_KEY, testAppEnv, type TestApp } from './support/test-app.js';

const cwd = mkdtempSync(join(tmpdir(), 'tokenkeeper-doctor-'));
const keyIdOf = (base64Key: string) => encryptionKeyId(Buffer.from(base64Key, 'base64'));
const MIGRATIONS = knownMigrations();

describe('tokenkeeper doctor', () => {
  let database: TestDatabase;
  let provider: DevProvider;
  let app: TestApp;
  let tokenId: string;
  let path: string;

  beforeAll(async () => {
    database = await DIALECTS[0]!.openTestDatabase({ migrate: false });
    path = (parseDatabaseUrl(database.url) as { path: string }).path;
    provider = await startTestProvider();
    app = await startTestApp({ databaseUrl: database.url, sharedProvider: provider });
    const alice = await signedInUser(app, 'alice');
    tokenId = (await database.db.selectFrom('tokens').select('id').where('user_id', '=', alice.userId).executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => {
    await app?.close();
    await provider?.close();
    await database?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  const environment = (env: Record<string, string> = {}, issuer = provider.issuer, databaseUrl = database.url): Environment =>
    testAppEnv({ baseUrl: APP_ORIGIN, databaseUrl, issuer, env });
  const doctor = (env: Environment, now?: () => number) => runCaptured(runDoctor, [], { env, cwd, ...(now ? { now } : {}) });
  const lines = (stdout: string) => stdout.trimEnd().split('\n');
  /** The audit log line for the entries the database holds now. */
  const auditLine = async (retention: string) => {
    const entries = await database.db.selectFrom('audit_log').select(['at']).orderBy('id').execute();
    const count = entries.length === 1 ? '1 entry' : `${entries.length} entries`;
    return `ok    audit log: ${count}, the oldest from ${new Date(entries[0]!.at * 1000).toISOString()}; ${retention}`;
  };

  it('against the dev provider: every check ok, one line each, exit 0', async () => {
    const result = await doctor(environment());
    expect(result.stderr).toBe('');
    expect(lines(result.stdout)).toEqual([
      `ok    configuration: development, BASE_URL ${APP_ORIGIN}, providers toolkit`,
      `ok    database: SQLite ${path} answers`,
      `ok    migrations: all ${MIGRATIONS.length} applied`,
      `ok    encryption keys: the 1 most recent tokens decrypt: 1 under key ${keyIdOf(TEST_ENCRYPTION_KEY)} (the newest)`,
      await auditLine('entries are kept for ever (AUDIT_LOG_RETENTION_DAYS is 0)'),
      `ok    redirect URI toolkit: ${APP_ORIGIN}/auth/toolkit/callback (the provider must have it registered for this client)`,
      `ok    provider toolkit: discovery found issuer ${provider.issuer}; token endpoint ${provider.issuer}/token reached (a POST without credentials answered HTTP 400)`,
      `ok    revocation endpoint toolkit: ${provider.issuer}/token/revocation reached (a POST without credentials answered HTTP 400)`,
      `ok    userinfo endpoint toolkit: ${provider.issuer}/me reached (a GET without a token answered HTTP 401)`,
      `ok    clock toolkit: within 60 s of toolkit's (its Date header)`,
      'doctor: 10 ok, 0 warnings, 0 failures',
    ]);
    expect(result.code).toBe(0);
  });

  it('without OAUTH_PROVIDERS: the local dev provider, not running, is as expected (serve starts it); running, it is checked as any provider', async () => {
    const port = await freePort();
    const env: Environment = { DATABASE_URL: database.url, TOKEN_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEY, SECRET_KEY: 'k'.repeat(40), DEV_PROVIDER_PORT: String(port) };
    const { devProvider } = configFromEnvironment(env, cwd);
    const stopped = lines((await doctor(env)).stdout);
    expect(stopped).toContain(`ok    provider toolkit: the local dev provider at ${devProvider!.issuer} is not running: serve starts it (and, running, it is checked as any provider)`);
    expect(stopped.at(-1)).toMatch(/^doctor: \d+ ok, 0 warnings, 0 failures$/);

    const { startDevProvider } = await import('../src/dev-provider/index.js');
    const running = await startDevProvider({ port, issuer: devProvider!.issuer, clients: [{ clientId: devProvider!.clientId, clientSecret: devProvider!.clientSecret, redirectUris: [`${APP_ORIGIN}/auth/toolkit/callback`] }] });
    try {
      const checked = lines((await doctor(env)).stdout);
      expect(checked).toContain(`ok    provider toolkit: discovery found issuer ${devProvider!.issuer}; token endpoint ${devProvider!.issuer}/token reached (a POST without credentials answered HTTP 400)`);
    } finally {
      await running.close();
    }
  });

  it('says how big the audit log is and how long its entries are kept (AUDIT_LOG_RETENTION_DAYS)', async () => {
    const result = await doctor(environment({ AUDIT_LOG_RETENTION_DAYS: '90' }));
    expect(lines(result.stdout)[4]).toBe(await auditLine('entries are kept 90 days (AUDIT_LOG_RETENTION_DAYS)'));
    expect(result.code).toBe(0);
  });

  it('warns, and still exits 0, when this machine is an hour behind the provider', async () => {
    const result = await doctor(environment(), () => Date.now() / 1000 - 3600);
    expect(lines(result.stdout)).toContain(
      "warn  clock toolkit: this machine's clock is 60 min behind toolkit's (its Date header): token and ID token expiries will be off; check NTP",
    );
    expect(lines(result.stdout).at(-1)).toBe('doctor: 9 ok, 1 warning, 0 failures');
    expect(result.code).toBe(0);
  });

  it('warns about what serve would warn about at start: a provider variable nothing reads', async () => {
    const result = await doctor(environment({ TOOLKIT_SCOPES: 'openid', GOOGLE_CLIENT_ID: 'google-id' }));
    expect(lines(result.stdout).slice(1, 3)).toEqual([
      'warn  configuration: GOOGLE_CLIENT_ID is set but OAUTH_PROVIDERS (toolkit) does not list google, so nothing reads it',
      'warn  configuration: TOOLKIT_SCOPES is not a setting of the toolkit provider, so nothing reads it; did you mean TOOLKIT_SCOPE?',
    ]);
    expect(lines(result.stdout).at(-1)).toBe('doctor: 10 ok, 2 warnings, 0 failures');
    expect(result.code).toBe(0);
  });

  it('fails on an unreachable provider', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const result = await doctor(environment({}, down));
    expect(lines(result.stdout).slice(5)).toEqual([
      `ok    redirect URI toolkit: ${APP_ORIGIN}/auth/toolkit/callback (the provider must have it registered for this client)`,
      `fail  provider toolkit: Toolkit could not be reached for the discovery at ${down}/.well-known/openid-configuration. (ECONNREFUSED)`,
      'doctor: 6 ok, 0 warnings, 1 failure',
    ]);
    expect(result.code).toBe(1);
  });

  it('checks a provider without discovery at its token endpoint', async () => {
    const explicit = (tokenUrl: string) =>
      environment({ TOOLKIT_SCOPE: 'profile email', TOOLKIT_AUTHORIZE_URL: `${provider.issuer}/auth`, TOOLKIT_ACCESS_TOKEN_URL: tokenUrl });
    const reached = await doctor(explicit(`${provider.issuer}/token`));
    expect(lines(reached.stdout)[6]).toBe(`ok    provider toolkit: endpoints configured; token endpoint ${provider.issuer}/token reached (a POST without credentials answered HTTP 400)`);
    expect(reached.code).toBe(0);

    // A typo: nothing is at that URL. The provider's clock is still checked (it answered).
    const typo = await doctor(explicit(`${provider.issuer}/tokne`));
    expect(lines(typo.stdout).slice(6)).toEqual([
      `fail  provider toolkit: endpoints configured; token endpoint ${provider.issuer}/tokne answered HTTP 404 to a POST without credentials: nothing is at that URL; check it`,
      `ok    clock toolkit: within 60 s of toolkit's (its Date header)`,
      'doctor: 7 ok, 0 warnings, 1 failure',
    ]);
    expect(typo.code).toBe(1);

    // A URL that redirects (http to https, a missing slash): the client does not follow, so it is a failure naming where it points.
    const redirecting = createServer((request, response) => response.writeHead(301, { location: `${provider.issuer}/token` }).end()).listen(0, '127.0.0.1');
    await once(redirecting, 'listening');
    const moved = await doctor(explicit(`http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/oauth/token`));
    redirecting.close();
    expect(lines(moved.stdout)[6]).toMatch(
      new RegExp(`^fail  provider toolkit: endpoints configured; token endpoint http://127\\.0\\.0\\.1:\\d+/oauth/token answered HTTP 301 to a POST without credentials, a redirect, which requests to a provider do not follow; configure the URL it points to \\(${provider.issuer}/token\\)$`),
    );
    expect(moved.code).toBe(1);

    const down = `http://127.0.0.1:${await freePort()}/token`;
    const unreachable = await doctor(explicit(down));
    expect(lines(unreachable.stdout).slice(6)).toEqual([
      `fail  provider toolkit: endpoints configured; token endpoint ${down} unreachable: fetch failed (ECONNREFUSED)`,
      'doctor: 6 ok, 0 warnings, 1 failure',
    ]);
    expect(unreachable.code).toBe(1);
  });

  it("checks each regional server's token endpoint (the zoho preset's data centres), at the token endpoint's path: one that does not answer fails, naming it; a pattern is named, not probed", async () => {
    // The dev provider under its other loopback name stands for a second data centre.
    const issuer = new URL(provider.issuer);
    const other = `${issuer.protocol}//${issuer.hostname === 'localhost' ? '127.0.0.1' : 'localhost'}:${issuer.port}`;
    const down = `http://127.0.0.1:${await freePort()}`;
    const result = await doctor(
      environment({
        TOOLKIT_PRESET: 'zoho',
        TOOLKIT_SCOPE: 'profile',
        TOOLKIT_AUTHORIZE_URL: `${provider.issuer}/auth`,
        TOOLKIT_ACCESS_TOKEN_URL: `${provider.issuer}/token`,
        TOOLKIT_USERINFO_URL: `${provider.issuer}/me`,
        TOOLKIT_REGIONAL_SERVERS: `${other},${down},https://*.stores.example`,
      }),
    );
    const tokenPath = new URL(`${provider.issuer}/token`).pathname;
    expect(lines(result.stdout)).toEqual(
      expect.arrayContaining([
        `ok    regional server toolkit: token endpoint ${other}${tokenPath} reached (a POST without credentials answered HTTP 400)`,
        `fail  regional server toolkit: token endpoint ${down}${tokenPath} unreachable: fetch failed (ECONNREFUSED)`,
        'ok    regional server toolkit: https://*.stores.example stands for one host per account; each is reached at its first sign-in, none is probed here',
      ]),
    );
    expect(result.code).toBe(1);
  });

  it('checks the revocation and userinfo endpoints configured: a 404 from either is a failure naming its URL', async () => {
    const result = await doctor(
      environment({
        TOOLKIT_SCOPE: 'profile email',
        TOOLKIT_AUTHORIZE_URL: `${provider.issuer}/auth`,
        TOOLKIT_ACCESS_TOKEN_URL: `${provider.issuer}/token`,
        TOOLKIT_REVOCATION_URL: `${provider.issuer}/revoke`,
        TOOLKIT_USERINFO_URL: `${provider.issuer}/userinfo`,
      }),
    );
    expect(lines(result.stdout).slice(6)).toEqual([
      `ok    provider toolkit: endpoints configured; token endpoint ${provider.issuer}/token reached (a POST without credentials answered HTTP 400)`,
      `fail  revocation endpoint toolkit: ${provider.issuer}/revoke answered HTTP 404 to a POST without credentials: nothing is at that URL; check it`,
      `fail  userinfo endpoint toolkit: ${provider.issuer}/userinfo answered HTTP 404 to a GET without a token: nothing is at that URL; check it`,
      `ok    clock toolkit: within 60 s of toolkit's (its Date header)`,
      'doctor: 8 ok, 0 warnings, 2 failures',
    ]);
    expect(result.code).toBe(1);
  });

  it('a userinfo endpoint read by token introspection (the hubspot preset) is probed with a POST, as RFC 7662 §2.1 takes', async () => {
    // The token endpoint stands in for the introspection endpoint: both take a POST only.
    const result = await doctor(
      environment({ TOOLKIT_PRESET: 'hubspot', TOOLKIT_SCOPE: 'oauth', TOOLKIT_AUTHORIZE_URL: `${provider.issuer}/auth`, TOOLKIT_ACCESS_TOKEN_URL: `${provider.issuer}/token`, TOOLKIT_USERINFO_URL: `${provider.issuer}/token` }),
    );
    expect(lines(result.stdout)).toContain(`ok    userinfo endpoint toolkit: ${provider.issuer}/token reached (a POST without credentials answered HTTP 400)`);
  });

  it('a user API read by POSTing a query (the linear preset) is probed with that POST, without a token', async () => {
    // oidc-provider's token endpoint answers a POST (400: it takes forms only) and a GET with 404, as a POST-only API would.
    const result = await doctor(
      environment({ TOOLKIT_PRESET: 'linear', TOOLKIT_SCOPE: 'read', TOOLKIT_AUTHORIZE_URL: `${provider.issuer}/auth`, TOOLKIT_ACCESS_TOKEN_URL: `${provider.issuer}/token`, TOOLKIT_USERINFO_URL: `${provider.issuer}/token` }),
    );
    expect(lines(result.stdout)).toContain(`ok    userinfo endpoint toolkit: ${provider.issuer}/token reached (a POST without a token answered HTTP 400)`);
  });

  it('with <NAME>_SIGN_OUT_AT_PROVIDER=on, names the end_session_endpoint and the post-logout redirect URI to register', async () => {
    const result = await doctor(environment({ TOOLKIT_SIGN_OUT_AT_PROVIDER: 'on' }));
    expect(lines(result.stdout)).toContain(`ok    sign-out at provider toolkit: ${provider.issuer}/session/end, back to ${APP_ORIGIN}/ (the provider must have it registered as a post-logout redirect URI)`);
  });

  it('fails on a key that does not decrypt the stored tokens, and names the key they are under', async () => {
    const otherKey = generateEncryptionKey();
    const wrong = await doctor(environment({ TOKEN_ENCRYPTION_KEYS: otherKey }));
    expect(lines(wrong.stdout)).toContain(
      `fail  encryption keys: 1 of the 1 most recent tokens do not decrypt: token ${tokenId} is under key ${keyIdOf(TEST_ENCRYPTION_KEY)}, which is not in TOKEN_ENCRYPTION_KEYS`,
    );
    expect(wrong.code).toBe(1);

    // A new key first, the old one kept after it (a rotation under way): readable, under the older key.
    const rotating = await doctor(environment({ TOKEN_ENCRYPTION_KEYS: `${otherKey},${TEST_ENCRYPTION_KEY}` }));
    expect(lines(rotating.stdout)).toContain(
      `ok    encryption keys: the 1 most recent tokens decrypt: 1 under key ${keyIdOf(TEST_ENCRYPTION_KEY)} (an older key: \`tokenkeeper keys rotate\` moves them)`,
    );
    expect(rotating.code).toBe(0);
  });

  it('fails on a pending migration', async () => {
    const behind = await DIALECTS[0]!.openTestDatabase({ migrate: true });
    try {
      const { reverted } = await migrateDown(behind);
      expect(reverted).toEqual([MIGRATIONS.at(-1)]);
      const result = await doctor(environment({}, provider.issuer, behind.url));
      expect(lines(result.stdout).slice(2, 4)).toEqual([
        `fail  migrations: 1 of ${MIGRATIONS.length} pending (${MIGRATIONS.at(-1)}): run \`tokenkeeper migrate\` (serve applies them when it starts)`,
        `ok    encryption keys: no stored tokens to check yet (newest key ${keyIdOf(TEST_ENCRYPTION_KEY)})`,
      ]);
      expect(result.code).toBe(1);
    } finally {
      await behind.close();
    }
  });

  it('a query that fails (a table gone) fails its check, and the provider checks and the summary still come', async () => {
    const damaged = await DIALECTS[0]!.openTestDatabase({ migrate: true });
    try {
      await sql`alter table tokens rename to tokens_aside`.execute(damaged.db);
      const result = await doctor(environment({}, provider.issuer, damaged.url));
      expect(lines(result.stdout).slice(1, 4)).toEqual([
        expect.stringMatching(/^ok {4}database: /),
        `ok    migrations: all ${MIGRATIONS.length} applied`,
        'fail  encryption keys: no such table: tokens',
      ]);
      expect(result.stdout).toMatch(/^ok {4}provider toolkit: /m);
      expect(lines(result.stdout).at(-1)).toMatch(/^doctor: \d+ ok, \d+ warnings?, 1 failure$/);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(1);
    } finally {
      await damaged.close();
    }
  });

  it('warns on a database a newer version migrated, which this version runs on (a rolling upgrade, a rollback)', async () => {
    const ahead = await DIALECTS[0]!.openTestDatabase({ migrate: true });
    try {
      await sql`insert into kysely_migration (name, timestamp) values ('2099-01-01T0000-newer', '2099-01-01T00:00:00.000Z')`.execute(ahead.db);
      const result = await doctor(environment({}, provider.issuer, ahead.url));
      expect(lines(result.stdout)[2]).toBe(`warn  migrations: all ${knownMigrations().length} applied; the database has a migration this version does not have (2099-01-01T0000-newer): a newer version of tokenkeeper migrated it. This version runs on it, as during a rolling upgrade or after a rollback; finish the upgrade to run the newer version everywhere.`);
      expect(result.stdout).not.toMatch(/^fail/m);
      expect(result.code).toBe(0);
    } finally {
      await ahead.close();
    }
  });

  it('with WEBHOOK_URLS: each receiver reached without a request sent to it, what waits for it in the outbox, and the messages left for URLs no longer listed', async () => {
    const secret = newWebhookSecret();
    const receiver = await startWebhookReceiver(secret);
    const down = `http://127.0.0.1:${await freePort()}/hooks`;
    const removed = 'https://removed.example/hooks';
    const now = Math.floor(Date.now() / 1000);
    const row = (url: string, status: 'pending' | 'failed', attempts: number, lastError: string | null) => ({
      id: newId(),
      message_id: `msg_${newId()}`,
      event_type: 'connection.created',
      url,
      payload: '{}',
      status,
      attempts,
      next_attempt_at: now + 300,
      last_attempt_at: attempts > 0 ? now - 10 : null,
      last_error: lastError,
      created_at: now - 60,
    });
    await database.db
      .insertInto('webhook_deliveries')
      .values([row(receiver.url, 'pending', 2, 'HTTP 500'), row(receiver.url, 'failed', 10, 'HTTP 500'), row(down, 'pending', 1, 'ECONNREFUSED'), row(removed, 'pending', 0, null)])
      .execute();
    try {
      const result = await doctor(environment({ WEBHOOK_URLS: `${receiver.url},${down}`, WEBHOOK_SECRET: secret }));
      const oldest = new Date((now - 60) * 1000).toISOString();
      const webhookLines = lines(result.stdout).filter((line) => line.includes('webhook'));
      expect(webhookLines).toEqual([
        `warn  webhook ${receiver.url}: reached (a connection; no request sent); 1 message waiting for a retry, 1 message failed (no retry left: the admin's Webhooks page can send them again); the oldest pending from ${oldest}; last error: HTTP 500`,
        expect.stringMatching(new RegExp(`^fail  webhook ${down}: unreachable: .*ECONNREFUSED.*; 1 message waiting for a retry; the oldest pending from ${oldest}; last error: ECONNREFUSED$`)),
        `warn  webhooks: 1 message pending for URLs WEBHOOK_URLS no longer names (${removed}): a server whose list still has them sends them; otherwise they are marked failed an hour after they are due`,
      ]);
      expect(result.code).toBe(1);
      // Nothing was sent: a receiver would have taken a request for a message.
      expect(receiver.received).toHaveLength(0);

      // Without messages waiting, a reachable receiver is ok.
      await database.db.deleteFrom('webhook_deliveries').execute();
      const quiet = await doctor(environment({ WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: secret }));
      expect(lines(quiet.stdout)).toContain(`ok    webhook ${receiver.url}: reached (a connection; no request sent); nothing waiting in the outbox`);
      expect(quiet.code).toBe(0);
    } finally {
      await database.db.deleteFrom('webhook_deliveries').execute();
      await receiver.close();
    }
  });

  it('fails on a configuration serve would refuse, with its one-line message, and exits 78 (EX_CONFIG) as every command does', async () => {
    const env = environment();
    delete env.TOOLKIT_CLIENT_ID;
    const result = await doctor(env);
    expect(result).toEqual({
      code: 78,
      stdout: 'fail  configuration: TOOLKIT_CLIENT_ID is missing (OAUTH_PROVIDERS lists "toolkit")\ndoctor: 0 ok, 0 warnings, 1 failure\n',
      stderr: '',
    });
  });
});
