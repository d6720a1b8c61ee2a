import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startQuipEmulator, type QuipEmulator, type QuipUser } from './quip.emulator.js';

// A client id and secret of the form Quip's Admin Console shows for an API key.
const CLIENT_ID = 'FTGAcAzRzdg-0123456789abcdef0123456789abcdef';
const CLIENT_SECRET = '7c8f4b2dbb124c66a682b4dedb607f09';
const REDIRECT_URI = `${APP_ORIGIN}/auth/quip/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const THIRTY_DAYS = 30 * 86_400;

function person(n: number, name: string): QuipUser {
  return { id: `UTUAEA${String(10_000 + n).padStart(5, '0')}`, name, emails: [`${name.replace(' ', '.')}@example.com`.toLowerCase()] };
}

/** Only the documented variables: the preset, the client, and Quip's OAuth endpoints and API pointed at the emulator (the current user moves with the API base). */
function quipEnv(quip: QuipEmulator): Record<string, string> {
  return presetEnv('quip', CLIENT_ID, CLIENT_SECRET, {
    QUIP_AUTHORIZE_URL: `${quip.origin}/1/oauth/login`,
    QUIP_ACCESS_TOKEN_URL: `${quip.origin}/1/oauth/access_token`,
    QUIP_REVOCATION_URL: `${quip.origin}/1/oauth/revoke`,
    QUIP_API_BASE_URL: quip.origin,
  });
}

const QUIP: StandardProvider<QuipUser, QuipEmulator> = {
  preset: 'quip',
  displayName: 'Quip',
  startEmulator: () => startQuipEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: (quip) => quipEnv(quip),
  people: standardPeople(person),
  subjectOf: (user) => user.id,
};

const recentThreads = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/quip/proxy/1/threads/recent`);
const refreshAtQuip = (quip: QuipEmulator, refreshToken: string) => refreshAtProvider(`${quip.origin}/1/oauth/access_token`, CLIENT, refreshToken, { by: 'form' });

describeEachDialect('Quip, against an emulator of Quip', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), QUIP);

  const signIn = (user: QuipUser) => signInAs(context, 'quip', user);

  it('signs in as the id of /1/users/current, with its name and first e-mail (its verification unknown); no scope, no PKCE, the client in the form, a 30-day token with a refresh token', async () => {
    const { database, emulator: quip, app } = context;
    const ada = { ...person(101, 'Ada Lovelace'), emails: ['ada@example.com', 'ada.l@example.org'] };
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toMatchObject({ id: ada.id, name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(JSON.parse(account.claims)).not.toHaveProperty('email_verified');
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'quip');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, THIRTY_DAYS - 100, THIRTY_DAYS);
    const exchange = quip.server.requests.find((r) => r.path === '/1/oauth/access_token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
  });

  it('the proxy calls the Automation API; 20 concurrent calls on an expired token make one refresh, which keeps the refresh token Quip answered none in place of', async () => {
    const { emulator: quip } = context;
    const alan = person(102, 'Alan Turing');
    const { browser, userId } = await signIn(alan);
    const { before, after, answers } = await expectKeptAfterStorm(context, 'quip', userId, () => recentThreads(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ adHAAAKik9A: { thread: { title: 'Quarterly plan', author_id: alan.id } } });
    expectAccessTokenLifetime(after, THIRTY_DAYS - 100, THIRTY_DAYS);
    expect(quip.server.requests.filter((r) => r.path === '/1/oauth/access_token').at(-1)!.headers.authorization).toBeUndefined();
    expect((await refreshAtQuip(quip, before.refreshToken!)).status).toBe(200);
  });

  it("a grant Quip ended (the API key deleted, the person deactivated) marks the connection 'needs re-auth' after one refresh Quip refuses", async () => {
    const { emulator: quip } = context;
    const leaving = person(103, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    quip.endGrantsOf(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'quip', userId, () => recentThreads(browser));
  });

  it('disconnect revokes the refresh token, then the access token, at /1/oauth/revoke with the client in the form, and the grant ends', async () => {
    const { emulator: quip } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    const stored = await expectDisconnectRevokes(context, 'quip', { browser, userId }, { requests: 2 });
    expect(quip.revocations.map((form) => form.get('token'))).toEqual([stored.refreshToken, stored.accessToken]);
    expect(quip.revocations.every((form) => form.get('client_id') === CLIENT_ID && form.get('client_secret') === CLIENT_SECRET)).toBe(true);
    expect(quip.server.requests.filter((r) => r.path === '/1/oauth/revoke').every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(quip.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtQuip(quip, stored.refreshToken!)).status).toBe(400);
  });

  it('/1/users/current failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, QUIP, person(110, 'Outage Profile'), (quip) => quip.failNextProfile(500));
  });

  standardCases(() => context, QUIP, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(QUIP, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Quip in production', () => {
  it('with the client alone, signs in at platform.quip.com, reads the current user, revokes and calls the Automation API there', () => {
    const { settings } = presetInProduction('quip', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Quip',
      endpoints: {
        authorizationEndpoint: 'https://platform.quip.com/1/oauth/login',
        tokenEndpoint: 'https://platform.quip.com/1/oauth/access_token',
        userinfoEndpoint: 'https://platform.quip.com/1/users/current',
        revocationEndpoint: 'https://platform.quip.com/1/oauth/revoke',
      },
      scope: '',
      apiBaseUrl: 'https://platform.quip.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
