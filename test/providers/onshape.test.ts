import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs, startProviderTestApp } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startOnshapeEmulator, type OnshapeEmulator, type OnshapeUser } from './onshape.emulator.js';

// A client id and secret of the kind Onshape's Developer Settings give an OAuth application (both may end in '=').
const CLIENT_ID = 'QZ5Q7ZJ3DPXKQWEPLNTR6YJQ2HOUMMVE4DBVAVA=';
const CLIENT_SECRET = 'XK3WJ2C7NKLAM5R6VPO4YT2QZWOJ4FGVTTQDX3JBGFCWBSR7UOMA==';
const REDIRECT_URI = `${APP_ORIGIN}/auth/onshape/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(n: number, firstName: string, lastName: string): OnshapeUser {
  return { id: `5c1a7e0f8b2d4e3a${n.toString(16).padStart(8, '0')}`, firstName, lastName, email: `${firstName}.${lastName}@example.com`.toLowerCase() };
}

/** Only the documented variables: the preset, the client, and the authorization and token endpoints pointed at the emulator (the profile moves with the API base). */
function onshapeEnv(onshape: OnshapeEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('onshape', CLIENT_ID, CLIENT_SECRET, {
    ONSHAPE_AUTHORIZE_URL: `${onshape.origin}/oauth/authorize`,
    ONSHAPE_ACCESS_TOKEN_URL: `${onshape.origin}/oauth/token`,
    ONSHAPE_API_BASE_URL: `${onshape.origin}/api`,
    ...extra,
  });
}

const ONSHAPE: StandardProvider<OnshapeUser, OnshapeEmulator> = {
  preset: 'onshape',
  displayName: 'Onshape',
  startEmulator: () => startOnshapeEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: (onshape) => onshapeEnv(onshape),
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

const documents = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/onshape/proxy/documents`);

describeEachDialect('Onshape, against an emulator of Onshape', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ONSHAPE);

  const signIn = (user: OnshapeUser) => signInAs(context, 'onshape', user);

  it('signs in as the id of /api/users/sessioninfo, with its name and an unverified e-mail; no scope asked, no PKCE, the client URL-encoded in the form with the redirect_uri again, a 60-minute token with a refresh token', async () => {
    const { database, emulator: onshape, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toMatchObject({ id: ada.id, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada.lovelace@example.com' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada.lovelace@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'onshape');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, 3500, 3600);
    const exchange = onshape.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = onshape.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
  });

  it('asks for the scopes of ONSHAPE_SCOPE, space-separated; the answer names none, so the ones asked are kept', async () => {
    const { database, emulator: onshape } = context;
    const scoped = await startProviderTestApp({ databaseUrl: database.url, env: onshapeEnv(onshape, { ONSHAPE_SCOPE: 'OAuth2ReadPII OAuth2Read' }) });
    try {
      const { userId, request } = await signInAs({ emulator: onshape, app: scoped }, 'onshape', person(105, 'Scoped', 'Person'));
      expect(request.get('scope')).toBe('OAuth2ReadPII OAuth2Read');
      expect((await scoped.runtime.tokenStore.findToken(userId, 'onshape'))?.scope).toBe('OAuth2ReadPII OAuth2Read');
    } finally {
      await scoped.close();
    }
  });

  it('the proxy calls the REST API; 20 concurrent calls on an expired token make one refresh, whose new refresh token is kept', async () => {
    const { emulator: onshape } = context;
    const alan = person(102, 'Alan', 'Turing');
    const { browser, userId } = await signIn(alan);
    const { after, answers } = await expectRotatedAfterStorm(context, 'onshape', userId, () => documents(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ items: [{ name: 'Bracket', owner: { id: alan.id } }] });
    expectAccessTokenLifetime(after, 3500, 3600);
    const refreshed = await refreshAtProvider(`${onshape.origin}/oauth/token`, CLIENT, after.refreshToken!, { by: 'form' });
    expect(Object.keys((await refreshed.json()) as object).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
  });

  it("the application revoked in Onshape marks the connection 'needs re-auth' after one refresh Onshape refuses", async () => {
    const { emulator: onshape } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    onshape.revokeApplication(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'onshape', userId, () => documents(browser));
  });

  it('disconnect asks Onshape nothing (it has no revocation endpoint) and forgets the tokens, which Onshape still takes', async () => {
    const { emulator: onshape, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'onshape'))!;
    await expectDisconnectAsksNothing(context, 'onshape', { browser, userId });
    expect(onshape.accepts(stored.accessToken)).toBe(true);
  });

  it('/api/users/sessioninfo failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, ONSHAPE, person(110, 'Outage', 'Profile'), (onshape) => onshape.failNextProfile(500));
  });

  standardCases(() => context, ONSHAPE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(ONSHAPE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Onshape in production', () => {
  it("with the client alone, signs in at oauth.onshape.com, reads cad.onshape.com's /api/users/sessioninfo and calls its API (and an Enterprise's host) with no scope and the client in the form", () => {
    const { settings } = presetInProduction('onshape', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Onshape',
      endpoints: {
        authorizationEndpoint: 'https://oauth.onshape.com/oauth/authorize',
        tokenEndpoint: 'https://oauth.onshape.com/oauth/token',
        userinfoEndpoint: 'https://cad.onshape.com/api/users/sessioninfo',
      },
      scope: '',
      apiBaseUrl: 'https://cad.onshape.com/api',
      extraApiBaseUrls: ['https://*.onshape.com'],
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
