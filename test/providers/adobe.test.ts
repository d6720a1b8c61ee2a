import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, signInAs, startProviderTestApp } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startAdobeEmulator, type AdobeEmulator, type AdobeUser } from './adobe.emulator.js';

// A client id of 32 hex digits and a secret of the `p8e-` form, as the Developer Console shows them.
const CLIENT_ID = '202b135c20864fbfb26a46522aa2433b';
const CLIENT_SECRET = 'p8e-Xk4Lq9Zr2Vt7Wm1Np6Bs3Hd8Jf5Gc0Ya';
const REDIRECT_URI = `${APP_ORIGIN}/auth/adobe/callback`;
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(sub: string, givenName: string, familyName: string, emailVerified = true): AdobeUser {
  return { sub: `${sub}@c62f24cc5b5b7e0e0a494004`, givenName, familyName, email: `${givenName.toLowerCase()}@example.com`, emailVerified };
}

/** Only the documented variables: the preset, the client, and the discovery document and API pointed at the emulator. */
function adobeEnv(adobe: AdobeEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'adobe',
    ADOBE_PRESET: 'adobe',
    ADOBE_CLIENT_ID: CLIENT_ID,
    ADOBE_CLIENT_SECRET: CLIENT_SECRET,
    ADOBE_SERVER_METADATA_URL: adobe.metadataUrl,
    ADOBE_API_BASE_URL: adobe.origin,
    ...extra,
  };
}

/** A refresh at IMS itself, as another copy of the token would make it. */
function refreshAtAdobe(adobe: AdobeEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${adobe.origin}/ims/token/v3`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const ADOBE: StandardProvider<AdobeUser, AdobeEmulator> = {
  preset: 'adobe',
  displayName: 'Adobe',
  startEmulator: () => startAdobeEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: adobeEnv,
  people: {
    cancelled: person('B0DC108C5CD449CA0A494108', 'Changed', 'Mind'),
    'refused-code': person('B0DC108C5CD449CA0A494109', 'Refused', 'Code'),
    'wrong-secret': person('B0DC108C5CD449CA0A494301', 'Wrong', 'Secret'),
    'exchange-failure': person('B0DC108C5CD449CA0A494302', 'Outage', 'Person'),
  },
  subjectOf: (user) => user.sub,
};

describeEachDialect('Adobe, against an emulator of Adobe IMS', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ADOBE);

  const signIn = (user: AdobeUser) => signInAs(context, 'adobe', user);
  const organizations = (browser: TestBrowser, headers: Record<string, string> = {}) => browser.get(`${APP_ORIGIN}/api/providers/adobe/proxy/ims/organizations/v5`, { headers });

  it('signs in as the ID token’s sub, found through the discovery document under /ims, with userinfo’s name and verified e-mail; the Adobe ID scopes with offline_access, PKCE, Basic credentials as they are, a 24-hour token and a refresh token', async () => {
    const { database, emulator: adobe, app } = context;
    const john = person('B0DC108C5CD449CA0A494133', 'John', 'Sample');
    const { userId, request } = await signIn(john);
    expect(request.get('scope')).toBe('openid AdobeID offline_access email profile');
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('nonce')).toEqual(expect.any(String));
    expect(adobe.server.requests.some((r) => r.path === '/ims/.well-known/openid-configuration')).toBe(true);
    const account = await database.db.selectFrom('accounts').select('subject').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(john.sub);
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'John Sample', email: 'john@example.com' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'adobe');
    expect(token!.refreshToken).toEqual(expect.any(String));
    const lifetime = token!.expiresAt! - Math.floor(Date.now() / 1000);
    expect(lifetime).toBeGreaterThan(86_399 - 100);
    expect(lifetime).toBeLessThanOrEqual(86_399);
    expect(adobe.server.requests.findLast((r) => r.path.startsWith('/ims/token/v3'))!.headers.authorization).toBe(BASIC);
  });

  it('an e-mail IMS has not verified is kept unverified', async () => {
    const { database } = context;
    const { userId } = await signIn(person('B0DC108C5CD449CA0A494110', 'Unverified', 'Person', false));
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('unverified@example.com');
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it('the proxy calls IMS’s API with the token and the client id as x-api-key, whatever the caller sends', async () => {
    const { emulator: adobe } = context;
    const { browser } = await signIn(person('B0DC108C5CD449CA0A494102', 'Grace', 'Hopper'));
    const answer = await organizations(browser, { 'x-api-key': 'someone-else' });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual([expect.objectContaining({ orgName: 'Hopper Studio' })]);
    const call = adobe.server.requests.findLast((r) => r.path === '/ims/organizations/v5')!;
    expect(call.headers).toMatchObject({ 'x-api-key': CLIENT_ID, authorization: expect.stringMatching(/^Bearer /) });
  });

  it('20 concurrent calls on an expired token make one refresh; the new refresh token is kept, and IMS takes the old one no more', async () => {
    const { emulator: adobe } = context;
    const { browser, userId } = await signIn(person('B0DC108C5CD449CA0A494103', 'Alan', 'Turing'));
    const { before } = await expectRotatedAfterStorm(context, 'adobe', userId, () => organizations(browser));
    expect(await statusAndBody(refreshAtAdobe(adobe, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('the app removed from Connected Applications in the Adobe account: the API refuses the token, the refresh is refused, and the connection needs re-auth after one try', async () => {
    const { emulator: adobe, app } = context;
    const leaving = person('B0DC108C5CD449CA0A494104', 'Edsger', 'Dijkstra');
    const { browser, userId } = await signIn(leaving);
    adobe.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'adobe', userId, () => organizations(browser));
  });

  it('disconnect revokes the refresh token and then the access token at /ims/revoke with Basic credentials: IMS takes neither again', async () => {
    const { emulator: adobe } = context;
    const { browser, userId } = await signIn(person('B0DC108C5CD449CA0A494105', 'Barbara', 'Liskov'));
    const stored = await expectDisconnectRevokes(context, 'adobe', { browser, userId }, { requests: 2 });
    const sent = adobe.server.requests.filter((r) => r.path.startsWith('/ims/revoke')).slice(-2);
    expect(sent.every((r) => r.headers.authorization === BASIC)).toBe(true);
    expect(adobe.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtAdobe(adobe, stored.refreshToken!)).status).toBe(400);
  });

  it('without offline_access (an API that does not allow it), IMS issues no refresh token: the connection lives as long as its 24-hour access token', async () => {
    const { database, emulator: adobe } = context;
    const online = await startProviderTestApp({ databaseUrl: database.url, env: adobeEnv(adobe, { ADOBE_SCOPE: 'openid AdobeID email profile creative_sdk' }) });
    try {
      const { userId, request } = await signInAs({ emulator: adobe, app: online }, 'adobe', person('B0DC108C5CD449CA0A494106', 'Online', 'Only'));
      expect(request.get('scope')).toBe('openid AdobeID email profile creative_sdk');
      const token = await online.runtime.tokenStore.findToken(userId, 'adobe');
      expect(token).toMatchObject({ refreshToken: null, scope: 'openid AdobeID email profile creative_sdk' });
      expect(token!.expiresAt).toEqual(expect.any(Number));
    } finally {
      await online.close();
    }
  });

  standardCases(() => context, ADOBE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(ADOBE, {
  title: 'Adobe refresh tokens (14 days) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last quarter (3.5 days) of its refresh token’s 14, and the connection outlives that refresh token',
  startEmulator: (now) => startAdobeEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person('B0DC108C5CD449CA0A494107', 'Idle', 'Person'),
  dueAfterDays: 10.5,
  // Past the first refresh token's 14 days, the connection works: the new one refreshes its access token.
  usedAgainAfterDays: 4,
  firstRefreshTokenRefused: async (adobe, refreshToken) => {
    const replay = await refreshAtAdobe(adobe, refreshToken);
    expect(replay.status).toBe(400);
  },
});

describeClientFailures(ADOBE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
