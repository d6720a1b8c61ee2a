import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startBacklogEmulator, type BacklogEmulator, type BacklogUser } from './backlog.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind the Backlog Developer Site gives an application.
const CLIENT_ID = 'kGpQ3mR7tV9wXy2zA4bC6dE8fH0jL1nP';
const CLIENT_SECRET = 'Zq8Wv6Ut4Sr2Qp0On9Ml7Kj5Ih3Gf1EdCbA2zY4xW6vU8tS0rQ9pO7nM5lK3jH1g';
const REDIRECT_URI = `${APP_ORIGIN}/auth/backlog/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, name: string): BacklogUser {
  const login = name.split(' ')[0]!.toLowerCase();
  return { id: 5_000 + id, userId: login, name, mailAddress: `${login}@acme.test` };
}

/** Only the documented variables: the preset, the client, the space's domain, and the endpoints and API base pointed at the emulator (the profile moves with the API base). */
function backlogEnv(backlog: BacklogEmulator): Record<string, string> {
  return presetEnv('backlog', CLIENT_ID, CLIENT_SECRET, {
    BACKLOG_DOMAIN: 'acme.backlog.com',
    BACKLOG_AUTHORIZE_URL: `${backlog.origin}/OAuth2AccessRequest.action`,
    BACKLOG_ACCESS_TOKEN_URL: `${backlog.origin}/api/v2/oauth2/token`,
    BACKLOG_API_BASE_URL: `${backlog.origin}/api/v2`,
  });
}

const BACKLOG: StandardProvider<BacklogUser, BacklogEmulator> = {
  preset: 'backlog',
  displayName: 'Backlog',
  startEmulator: () => startBacklogEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: backlogEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
};

const space = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/backlog/proxy/space`);

describeEachDialect('Backlog, against an emulator of a Backlog space', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), BACKLOG);

  const signIn = (user: BacklogUser) => signInAs(context, 'backlog', user);

  it('signs in as the numeric id of /api/v2/users/myself (not the login name), with its name and an unverified e-mail; no scope, no PKCE, the client in the form with the redirect_uri again, a 60-minute token with a refresh token', async () => {
    const { database, emulator: backlog, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(String(ada.id));
    expect(JSON.parse(account.claims)).toEqual({ id: ada.id, name: 'Ada Lovelace', email: 'ada@acme.test', preferred_username: 'ada' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@acme.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'backlog');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, 3500, 3600);
    const exchange = backlog.server.requests.find((r) => r.path === '/api/v2/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = backlog.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(backlog.server.requests.filter((r) => r.path === '/api/v2/users/myself').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the space’s API; 20 concurrent calls on an expired token make one refresh, with the client in the form, whose new refresh token is kept', async () => {
    const { emulator: backlog } = context;
    const { browser, userId } = await signIn(person(102, 'Grace Hopper'));
    const first = await space(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ spaceKey: 'ACME' });
    const { after } = await expectRotatedAfterStorm(context, 'backlog', userId, () => space(browser));
    expectAccessTokenLifetime(after, 3500, 3600);
    const refresh = backlog.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
    const refreshed = await refreshAtProvider(`${backlog.origin}/api/v2/oauth2/token`, CLIENT, after.refreshToken!, { by: 'form' });
    expect(Object.keys((await refreshed.json()) as object).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
  });

  it("the application removed in Backlog marks the connection 'needs re-auth' after one refresh Backlog refuses", async () => {
    const { emulator: backlog } = context;
    const leaving = person(103, 'Barbara Liskov');
    const { browser, userId } = await signIn(leaving);
    backlog.removeApplication(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'backlog', userId, () => space(browser));
  });

  it('disconnect asks Backlog nothing (it documents no revocation) and forgets the tokens, which Backlog still takes', async () => {
    const { emulator: backlog, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'backlog'))!;
    await expectDisconnectAsksNothing(context, 'backlog', { browser, userId });
    expect(backlog.accepts(stored.accessToken)).toBe(true);
  });

  it('/api/v2/users/myself failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, BACKLOG, person(110, 'Outage Profile'), (backlog) => backlog.failNextProfile(500));
  });

  standardCases(() => context, BACKLOG, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(BACKLOG, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Backlog in production', () => {
  it('with the client and the space’s domain, signs in, reads /api/v2/users/myself and calls the API on that host, with no scope and the client in the form', () => {
    const { settings, refusal } = presetInProduction('backlog', CLIENT);
    expect(settings({ BACKLOG_DOMAIN: 'acme.backlog.jp' })).toMatchObject({
      displayName: 'Backlog',
      endpoints: {
        authorizationEndpoint: 'https://acme.backlog.jp/OAuth2AccessRequest.action',
        tokenEndpoint: 'https://acme.backlog.jp/api/v2/oauth2/token',
        userinfoEndpoint: 'https://acme.backlog.jp/api/v2/users/myself',
      },
      scope: '',
      apiBaseUrl: 'https://acme.backlog.jp/api/v2',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
    expect(refusal({})).toContain('BACKLOG_DOMAIN is missing');
    expect(refusal({ BACKLOG_DOMAIN: 'https://acme.backlog.com' })).toContain('BACKLOG_DOMAIN is not a valid domain');
  });
});
