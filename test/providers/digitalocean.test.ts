import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { DIALECTS, describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, signInAs, signInThrough } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, rowCounts, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startDigitalOceanEmulator, type DigitalOceanEmulator, type DigitalOceanUser } from './digitalocean.emulator.js';

// A client id and secret of the form DigitalOcean shows (64 hex digits each).
const CLIENT_ID = '4c413ac36ac22268a1f5e0d7b2c9e8f6a3b4c5d6e7f8091a2b3c4d5e6f708192';
const CLIENT_SECRET = '9f2e8d7c6b5a49382716f5e4d3c2b1a0ffeeddccbbaa99887766554433221100';
const REDIRECT_URI = `${APP_ORIGIN}/auth/digitalocean/callback`;
const TEAM = { uuid: '5df3e3004a17e242b7c20ca6c9fc25b701a47ece', name: 'My Team' };

function person(name: string, verified = true): DigitalOceanUser {
  const uuid = createHash('sha1').update(name).digest('hex');
  return { uuid, name, email: `${name.split(' ')[0]!.toLowerCase()}@example.com`, email_verified: verified, team: TEAM };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the API, /v2/account included, through the API base). */
function digitaloceanEnv(digitalocean: DigitalOceanEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'digitalocean',
    DIGITALOCEAN_PRESET: 'digitalocean',
    DIGITALOCEAN_CLIENT_ID: CLIENT_ID,
    DIGITALOCEAN_CLIENT_SECRET: CLIENT_SECRET,
    DIGITALOCEAN_AUTHORIZE_URL: `${digitalocean.origin}/v1/oauth/authorize`,
    DIGITALOCEAN_ACCESS_TOKEN_URL: `${digitalocean.origin}/v1/oauth/token`,
    DIGITALOCEAN_REVOCATION_URL: `${digitalocean.origin}/v1/oauth/revoke`,
    DIGITALOCEAN_API_BASE_URL: digitalocean.origin,
    ...extra,
  };
}

/** A refresh at DigitalOcean itself, as another copy of the token would make it. */
function refreshAtDigitalOcean(digitalocean: DigitalOceanEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${digitalocean.origin}/v1/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const startEmulator = () => startDigitalOceanEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI });

const DIGITALOCEAN: StandardProvider<DigitalOceanUser, DigitalOceanEmulator> = {
  preset: 'digitalocean',
  displayName: 'DigitalOcean',
  startEmulator,
  env: digitaloceanEnv,
  people: {
    cancelled: person('Changed Mind'),
    'refused-code': person('Refused Code'),
    'wrong-secret': person('Wrong Secret'),
    'exchange-failure': person('Outage Person'),
  },
  subjectOf: (user) => user.uuid,
};

describeEachDialect('DigitalOcean, against an emulator of DigitalOcean', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), DIGITALOCEAN);
  const signIn = (user: DigitalOceanUser) => signInAs(context, 'digitalocean', user);

  const droplets = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/digitalocean/proxy/v2/droplets`);

  it("signs in as the token answer's info.uuid with its name and e-mail, /v2/account's email_verified and team kept; read asked with PKCE, the client in the form, 30-day tokens with a refresh token", async () => {
    const { database, emulator: digitalocean, app } = context;
    const sammy = person('Sammy Shark');
    const { userId, request } = await signIn(sammy);
    expect(request.get('scope')).toBe('read');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(sammy.uuid);
    expect(JSON.parse(account.claims)).toMatchObject({ uuid: sammy.uuid, team: TEAM, account_status: 'active' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'sammy@example.com', name: 'Sammy Shark' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'digitalocean');
    expect(token).toMatchObject({ refreshToken: expect.stringMatching(/^dor_v1_/), scope: 'read' });
    const lifetime = token!.expiresAt! - Math.floor(Date.now() / 1000);
    expect(lifetime).toBeGreaterThan(2_592_000 - 100);
    expect(lifetime).toBeLessThanOrEqual(2_592_000);
    const exchange = digitalocean.server.requests.find((r) => r.path === '/v1/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(digitalocean.server.requests.filter((r) => r.path === '/v2/account').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('an e-mail DigitalOcean has not verified is stored unverified', async () => {
    const { database } = context;
    const { userId } = await signIn(person('Unverified Person', false));
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('unverified@example.com');
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it('the proxy calls /v2; 20 concurrent calls on an expired token make one refresh, the new pair is kept, the used refresh token is refused and its access token ended', async () => {
    const { emulator: digitalocean } = context;
    const { browser, userId } = await signIn(person('Storm Rotating'));
    const first = await droplets(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ droplets: [{ id: 3164444 }], meta: { total: 1 } });

    const { before } = await expectRotatedAfterStorm(context, 'digitalocean', userId, () => droplets(browser));
    expect(digitalocean.accepts(before.accessToken)).toBe(false);
    expect(await statusAndBody(refreshAtDigitalOcean(digitalocean, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("an app the person revoked in DigitalOcean marks the connection 'needs re-auth' after one refused refresh; disconnect then counts the grant as revoked", async () => {
    const { emulator: digitalocean, app } = context;
    const leaving = person('Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    digitalocean.revokeAppInDigitalOcean(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'digitalocean', userId, () => droplets(browser));
    expect(await disconnectThrough(browser, 'digitalocean')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'digitalocean')).toBeUndefined();
  });

  it('disconnect revokes the access token at /v1/oauth/revoke, sent as Bearer and in the form, and both tokens end', async () => {
    const { emulator: digitalocean } = context;
    const { browser, userId } = await signIn(person('Goodbye Person'));
    const stored = await expectDisconnectRevokes(context, 'digitalocean', { browser, userId }, { requests: 1 });
    const sent = digitalocean.server.requests.filter((r) => r.path === '/v1/oauth/revoke').at(-1)!;
    expect(sent.headers.authorization).toBe(`Bearer ${stored.accessToken}`);
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(digitalocean.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtDigitalOcean(digitalocean, stored.refreshToken!)).status).toBe(400);
  });

  it('/v2/account failing (HTTP 500) is a 502, and nothing is stored', async () => {
    const { database, emulator: digitalocean, app } = context;
    const before = await rowCounts(database);
    digitalocean.signInAs(person('Outage Account'));
    digitalocean.failNextAccountRequest(500);
    const page = await signInThrough(app.browser(), 'digitalocean');
    expect(page.status).toBe(502);
    expect(await rowCounts(database)).toEqual(before);
  });

  standardCases(() => context, DIGITALOCEAN, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describe('DigitalOcean with custom scopes that leave out account:read', () => {
  const context = useProviderTest(() => DIALECTS[0]!.openTestDatabase(), { startEmulator, env: (emulator) => digitaloceanEnv(emulator, { DIGITALOCEAN_SCOPE: 'droplet:read' }) });

  it("signs in from the token answer's info alone, /v2/account's 403 leaving the e-mail's verification unknown, and the proxy still calls /v2/droplets", async () => {
    const { database, emulator: digitalocean } = context;
    const scoped = person('Scoped Person');
    const { browser, userId, request } = await signInAs(context, 'digitalocean', scoped);
    expect(request.get('scope')).toBe('droplet:read');
    expect(digitalocean.server.counts.account).toBe(1);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(scoped.uuid);
    expect(JSON.parse(account.claims)).not.toHaveProperty('team');
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: 'scoped@example.com', email_verified: null, name: 'Scoped Person' });
    expect((await browser.get(`${APP_ORIGIN}/api/providers/digitalocean/proxy/v2/droplets`)).status).toBe(200);
  });
});

describeClientFailures(DIGITALOCEAN, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
