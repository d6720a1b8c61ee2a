import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startAWeberEmulator, type AWeberAccount, type AWeberEmulator } from './aweber.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the form AWeber's traces show.
const CLIENT_ID = 'N1nwOnhAUyEjJcA0l4eI7dCfYKNVizSDE4Le0J4FRqc';
const CLIENT_SECRET = 'rSu9NU70xOZFN2ojnWq3tLI49kb8vs84_KZQe1bcJy4';
const REDIRECT_URI = `${APP_ORIGIN}/auth/aweber/callback`;

function account(id: number, company: string): AWeberAccount {
  return { id, uuid: `b619e767-9de6-43b7-a914-${String(id).padStart(12, '0')}`, company };
}

/** Only the documented variables: the preset, the client, the scope, and each endpoint pointed at the emulator (/1.0/accounts moves with the API base). */
function aweberEnv(aweber: AWeberEmulator): Record<string, string> {
  return presetEnv('aweber', CLIENT_ID, CLIENT_SECRET, {
    AWEBER_SCOPE: 'account.read list.read',
    AWEBER_AUTHORIZE_URL: `${aweber.origin}/oauth2/authorize`,
    AWEBER_ACCESS_TOKEN_URL: `${aweber.origin}/oauth2/token`,
    AWEBER_REVOCATION_URL: `${aweber.origin}/oauth2/revoke`,
    AWEBER_API_BASE_URL: aweber.origin,
  });
}

/** A refresh at AWeber itself, as another copy of the token would make it. */
function refreshAtAWeber(aweber: AWeberEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${aweber.origin}/oauth2/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const AWEBER: StandardProvider<AWeberAccount, AWeberEmulator> = {
  preset: 'aweber',
  displayName: 'AWeber',
  startEmulator: () => startAWeberEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: aweberEnv,
  people: {
    cancelled: account(90001, 'Changed Mind Ltd'),
    'refused-code': account(90002, 'Refused Code Ltd'),
    'wrong-secret': account(90003, 'Wrong Secret Ltd'),
    'exchange-failure': account(90004, 'Outage Ltd'),
  },
  subjectOf: (user) => String(user.id),
};

describeEachDialect('AWeber, against an emulator of AWeber', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), AWEBER);

  const signIn = (user: AWeberAccount) => signInAs(context, 'aweber', user);
  const lists = (browser: TestBrowser, id: number) => browser.get(`${APP_ORIGIN}/api/providers/aweber/proxy/1.0/accounts/${id}/lists`);

  it("signs in as the id of /1.0/accounts' single entry, its company the name and no e-mail; the scopes asked without PKCE, the client as Basic, a 2-hour token answered without token_type", async () => {
    const { database, emulator: aweber, app } = context;
    const example = account(123, 'Example Company 1');
    const { userId, request } = await signIn(example);
    expect(request.get('scope')).toBe('account.read list.read');
    expect(request.has('code_challenge')).toBe(false);
    const stored = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(stored.subject).toBe('123');
    expect(JSON.parse(stored.claims)).toMatchObject({ uuid: example.uuid, company: 'Example Company 1' });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Example Company 1', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'aweber');
    expect(token).toMatchObject({ refreshToken: expect.any(String), tokenType: 'bearer' });
    expectAccessTokenLifetime(token, 7200 - 100, 7200);
    const exchange = aweber.server.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers.authorization).toMatch(/^Basic /);
    expect(aweber.server.requests.filter((r) => r.path === '/1.0/accounts').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it("the proxy lists the account's lists; 20 concurrent calls on an expired token make one refresh, and the refresh token answered is kept in place of the old", async () => {
    const { emulator: aweber } = context;
    const { browser, userId } = await signIn(account(124, 'Storm Corp'));
    const { after, answers } = await expectRotatedAfterStorm(context, 'aweber', userId, () => lists(browser, 124));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ entries: [{ id: 456, name: 'Newsletter' }], total_size: 1 });
    expectAccessTokenLifetime(after, 7200 - 100, 7200);
    expect((await statusAndBody(refreshAtAWeber(aweber, after.refreshToken!))).status).toBe(200);
  });

  it("an app the customer disconnected in AWeber marks the connection 'needs re-auth' after one refresh AWeber refuses", async () => {
    const { emulator: aweber } = context;
    const leaving = account(125, 'Leaving Soon Inc');
    const { browser, userId } = await signIn(leaving);
    aweber.disconnectApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'aweber', userId, () => lists(browser, 125));
  });

  it('disconnect revokes the refresh token, then the access token, at /oauth2/revoke with the client as Basic, and neither works after', async () => {
    const { emulator: aweber } = context;
    const { browser, userId } = await signIn(account(126, 'Goodbye Inc'));
    const stored = await expectDisconnectRevokes(context, 'aweber', { browser, userId }, { requests: 2 });
    const sent = aweber.server.requests.filter((r) => r.path === '/oauth2/revoke');
    expect(sent.at(-1)!.headers.authorization).toMatch(/^Basic /);
    expect(aweber.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtAWeber(aweber, stored.refreshToken!)).status).toBe(400);
  });

  standardCases(() => context, AWEBER, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(AWEBER, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
