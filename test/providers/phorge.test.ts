import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startPhorgeEmulator, type PhorgeEmulator, type PhorgeUser } from './phorge.emulator.js';

// An OAuth application's PHID and secret, as Phorge shows them.
const CLIENT_ID = 'PHID-OASC-q7vb2kx9m4ztw3nf8hrd';
const CLIENT_SECRET = 'x4kq9vt2mzw7bn3hrd8fcp5ljs6gya1e';
const REDIRECT_URI = `${APP_ORIGIN}/auth/phorge/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, name: string): PhorgeUser {
  const userName = name.split(' ')[0]!.toLowerCase();
  return { phid: `PHID-USER-${String(id).padStart(20, 'a')}`, userName, realName: name, email: `${userName}@acme.test` };
}

/** Only the documented variables: the preset, the client, and the install's URL. */
function phorgeEnv(phorge: PhorgeEmulator): Record<string, string> {
  return presetEnv('phorge', CLIENT_ID, CLIENT_SECRET, { PHORGE_BASE_URL: phorge.origin });
}

const subjectAt = (phorge: PhorgeEmulator, user: PhorgeUser) => `${user.phid}@${new URL(phorge.origin).host}`;

let started: PhorgeEmulator | undefined;
const PHORGE: StandardProvider<PhorgeUser, PhorgeEmulator> = {
  preset: 'phorge',
  displayName: 'Phorge',
  startEmulator: async () => (started = await startPhorgeEmulator({ ...CLIENT, redirectUri: REDIRECT_URI })),
  env: phorgeEnv,
  people: standardPeople(person),
  subjectOf: (user) => subjectAt(started!, user),
};

describeEachDialect('Phorge, against an emulator of a Phorge install', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), PHORGE);

  const signIn = (user: PhorgeUser) => signInAs(context, 'phorge', user);
  const whoami = (browser: TestBrowser, query = '') => browser.get(`${APP_ORIGIN}/api/providers/phorge/proxy/user.whoami${query}`);

  it("signs in as user.whoami's PHID qualified by the install's host, with the real name and the e-mail unverified; no scope, no PKCE, the client in the form with the redirect_uri again, a token with no end and no refresh token, sent as access_token", async () => {
    const { database, emulator: phorge, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(subjectAt(phorge, ada));
    expect(JSON.parse(account.claims)).toMatchObject({ phid: ada.phid, name: 'Ada Lovelace', preferred_username: 'ada' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@acme.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'phorge');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null });
    const exchange = phorge.server.requests.find((r) => r.path === '/oauthserver/token/')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const profile = phorge.server.requests.filter((r) => r.path.startsWith('/api/user.whoami')).at(-1)!;
    expect(profile.headers.authorization).toBeUndefined();
    expect(new URL(profile.path, phorge.origin).searchParams.get('access_token')).toBe(token!.accessToken);
  });

  it('the token endpoint takes only authorization_code, and answers a wrong secret as it answers a bad code (invalid_grant)', async () => {
    const { emulator: phorge } = context;
    const url = `${phorge.origin}/oauthserver/token/`;
    const send = (form: Record<string, string>) => statusAndBody(fetch(url, { method: 'POST', body: new URLSearchParams(form) }));
    expect(await send({ grant_type: 'refresh_token', refresh_token: 'r', client_id: CLIENT_ID, client_secret: CLIENT_SECRET })).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    expect(await send({ grant_type: 'authorization_code', code: 'c', redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, client_secret: 'not-the-secret' })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await send({ grant_type: 'authorization_code', code: 'c', redirect_uri: REDIRECT_URI, client_id: 'PHID-OASC-unknown', client_secret: CLIENT_SECRET })).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
    expect(await send({ grant_type: 'authorization_code', code: 'c', redirect_uri: REDIRECT_URI, client_id: CLIENT_ID })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it("the proxy calls Conduit with the token as access_token in place of the caller's own; 20 concurrent calls ask Phorge for no token, as there is nothing to refresh", async () => {
    const { emulator: phorge, app } = context;
    const grace = person(102, 'Grace Hopper');
    const { browser, userId } = await signIn(grace);
    const accessToken = (await app.runtime.tokenStore.findToken(userId, 'phorge'))!.accessToken;
    const answer = await whoami(browser, '?access_token=someone-elses');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ result: { phid: grace.phid, userName: 'grace' }, error_code: null });
    const sent = phorge.server.requests.filter((r) => r.path.startsWith('/api/user.whoami')).at(-1)!;
    expect(sent.headers.authorization).toBeUndefined();
    expect(new URL(sent.path, phorge.origin).searchParams.getAll('access_token')).toEqual([accessToken]);
    await expectNoTokenRequestFor20Calls(phorge, () => whoami(browser));
  });

  it("the authorization revoked in Phorge (HTTP 200, ERR-INVALID-AUTH) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: phorge } = context;
    const joan = person(103, 'Joan Clarke');
    const { browser, userId } = await signIn(joan);
    phorge.revokeAuthorization(joan);
    await expectNeedsReauthWithoutTokenRequest(context, 'phorge', userId, () => whoami(browser));
  });

  it('disconnect deletes the token and asks Phorge nothing (it documents no revocation); the token still works there', async () => {
    const { emulator: phorge, app } = context;
    const { browser, userId } = await signIn(person(104, 'Leaving Person'));
    const accessToken = (await app.runtime.tokenStore.findToken(userId, 'phorge'))!.accessToken;
    await expectDisconnectAsksNothing(context, 'phorge', { browser, userId });
    expect(phorge.accepts(accessToken)).toBe(true);
  });

  it('user.whoami failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, PHORGE, person(110, 'Outage Profile'), (phorge) => phorge.failNextWhoami(500));
  });

  standardCases(() => context, PHORGE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

// No wrong-secret case: Phorge answers a wrong secret with invalid_grant, as it answers an expired code (see above).
describeClientFailures(PHORGE, { exchangeFailure: {} });

describe('the phorge preset in production', () => {
  const { settings, refusal } = presetInProduction('phorge', CLIENT);

  it("takes the install's URL, and needs it", () => {
    expect(settings({ PHORGE_BASE_URL: 'https://phorge.example.com/' })).toMatchObject({
      displayName: 'Phorge',
      endpoints: {
        authorizationEndpoint: 'https://phorge.example.com/oauthserver/auth/',
        tokenEndpoint: 'https://phorge.example.com/oauthserver/token/',
        userinfoEndpoint: 'https://phorge.example.com/api/user.whoami',
      },
      scope: '',
      apiBaseUrl: 'https://phorge.example.com/api',
      accessTokenParameter: 'access_token',
      tokenEndpointAuthMethod: 'client_secret_post',
    });
    expect(refusal({})).toContain('PHORGE_BASE_URL');
  });
});
