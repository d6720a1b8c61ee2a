import { expect, it } from 'vitest';
import { KLAVIYO_REVISION } from '../../src/client/providers/klaviyo.js';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { startKlaviyoEmulator, type KlaviyoAccount, type KlaviyoEmulator } from './klaviyo.emulator.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, rowCounts, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id of the UUID form Klaviyo shows and a secret with characters form-encoding would change: sent as they are in the Basic header, as Klaviyo's examples build it.
const CLIENT_ID = '7eb2e247-bd24-4ed4-a44d-0e178afdd474';
const CLIENT_SECRET = 'kXq9+Zp3/Vb8=Nw4Ty6Rm1Hs0Jd5Gc~a.b_c-d';
const REDIRECT_URI = `${APP_ORIGIN}/auth/klaviyo/callback`;
const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function account(id: string, organizationName: string): KlaviyoAccount {
  return { id, organizationName, defaultSenderEmail: `hello@${organizationName.toLowerCase().replace(/\W+/g, '')}.test` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the account moves with the API base). */
function klaviyoEnv(klaviyo: KlaviyoEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('klaviyo', CLIENT_ID, CLIENT_SECRET, {
    KLAVIYO_AUTHORIZE_URL: `${klaviyo.origin}/oauth/authorize`,
    KLAVIYO_ACCESS_TOKEN_URL: `${klaviyo.origin}/oauth/token`,
    KLAVIYO_REVOCATION_URL: `${klaviyo.origin}/oauth/revoke`,
    KLAVIYO_API_BASE_URL: `${klaviyo.origin}/api`,
    ...extra,
  });
}

/** A refresh at Klaviyo itself, as another copy of the token would make it. */
function refreshAtKlaviyo(klaviyo: KlaviyoEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${klaviyo.origin}/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const start = (now?: () => number) => startKlaviyoEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, ...(now ? { now } : {}) });

const KLAVIYO: StandardProvider<KlaviyoAccount, KlaviyoEmulator> = {
  preset: 'klaviyo',
  displayName: 'Klaviyo',
  startEmulator: () => start(),
  env: klaviyoEnv,
  people: {
    cancelled: account('XcAnc1', 'Changed Mind'),
    'refused-code': account('XrCod2', 'Refused Code'),
    'wrong-secret': account('XwSec3', 'Wrong Secret'),
    'exchange-failure': account('XoUtg4', 'Outage Store'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Klaviyo, against an emulator of Klaviyo', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), KLAVIYO);

  const signIn = (user: KlaviyoAccount) => signInAs(context, 'klaviyo', user);
  const accountThroughProxy = (browser: TestBrowser, id: string, headers: Record<string, string> = {}) => browser.get(`${APP_ORIGIN}/api/providers/klaviyo/proxy/accounts/${id}`, { headers });

  it('signs in as the account id of /api/accounts, named by its organization, the sender address kept but not as an e-mail; PKCE S256, Basic credentials as they are, 1-hour tokens with a refresh token', async () => {
    const { database, emulator: klaviyo, app } = context;
    const { userId, request } = await signIn(account('Y7mQ2p', 'Acme Outdoor'));
    expect(request.get('scope')).toBe('accounts:read');
    expect(request.get('code_challenge')).toEqual(expect.any(String));
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('state')).toEqual(expect.any(String));
    const row = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(row.subject).toBe('Y7mQ2p');
    expect(JSON.parse(row.claims)).toMatchObject({ id: 'Y7mQ2p', organization_name: 'Acme Outdoor', default_sender_email: 'hello@acmeoutdoor.test' });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: null, name: 'Acme Outdoor' });
    const token = await app.runtime.tokenStore.findToken(userId, 'klaviyo');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'accounts:read' });
    expectAccessTokenLifetime(token, 3_500, 3_600);
    const exchange = klaviyo.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBe(basic);
    const profile = klaviyo.server.requests.find((r) => r.path === '/api/accounts')!;
    expect(profile.headers.revision).toBe(KLAVIYO_REVISION);
  });

  it("the proxy reaches the API with the preset's revision, or the caller's; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept, and the used one is refused", async () => {
    const { emulator: klaviyo } = context;
    const { browser, userId } = await signIn(account('StRm05', 'Storm Supply'));
    const chosen = await accountThroughProxy(browser, 'StRm05', { revision: '2025-01-15' });
    expect(chosen.status).toBe(200);
    expect(klaviyo.server.requests.filter((r) => r.path === '/api/accounts/StRm05').at(-1)!.headers.revision).toBe('2025-01-15');
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'klaviyo', userId, () => accountThroughProxy(browser, 'StRm05'));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ data: { type: 'account', id: 'StRm05', attributes: { contact_information: { organization_name: 'Storm Supply' } } } });
    expect(klaviyo.server.requests.filter((r) => r.path === '/api/accounts/StRm05').at(-1)!.headers.revision).toBe(KLAVIYO_REVISION);
    expect(after.scope).toBe(before.scope);
    expect(await statusAndBody(refreshAtKlaviyo(klaviyo, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("a refresh token Klaviyo refuses marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator: klaviyo, app } = context;
    const { browser, userId } = await signIn(account('RfUsd6', 'Refused Refresh'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'klaviyo');
    // Rotated behind the app's back (another copy of the token used it): Klaviyo no longer takes the stored one.
    expect((await refreshAtKlaviyo(klaviyo, stored!.refreshToken!)).status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: klaviyo }, 'klaviyo', userId, () => accountThroughProxy(browser, 'RfUsd6'));
  });

  it('disconnect revokes at /oauth/revoke with Basic, the refresh token first: neither token works afterwards', async () => {
    const { database, emulator: klaviyo } = context;
    const { browser, userId } = await signIn(account('LvNg07', 'Leaving Store'));
    const counts = await rowCounts(database);
    const stored = await expectDisconnectRevokes(context, 'klaviyo', { browser, userId }, { requests: 2 });
    const sent = klaviyo.server.requests.filter((r) => r.path === '/oauth/revoke').slice(-2);
    expect(sent.map((r) => r.headers.authorization)).toEqual([basic, basic]);
    expect(klaviyo.revoked.slice(-2)).toEqual([stored.refreshToken, stored.accessToken]);
    expect(klaviyo.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtKlaviyo(klaviyo, stored.refreshToken!)).status).toBe(400);
    expect((await rowCounts(database)).tokens).toBe(counts.tokens - 1);
  });

  standardCases(() => context, KLAVIYO, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(KLAVIYO, {
  title: 'Klaviyo refresh tokens (90 days unused) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its refresh token’s 90, and the connection outlives that refresh token',
  startEmulator: start,
  person: account('IdLe08', 'Idle Shop'),
  dueAfterDays: 83,
  // Past the first refresh token's 90 days unused, the connection works: the new one refreshes its access token.
  usedAgainAfterDays: 10,
});

describeClientFailures(KLAVIYO, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
