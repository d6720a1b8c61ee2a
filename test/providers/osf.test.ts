import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { OSF_ACCESS_TOKEN_SECONDS, startOsfEmulator, type OsfEmulator, type OsfUser } from './osf.emulator.js';

// A client id and secret of the form OSF's OAuth guide shows for a developer application.
const CLIENT_ID = 'ffe5247b810045a8a9277d3b3b4edc7a';
const CLIENT_SECRET = '5PgE96R3Z53dBuwBDkJfbK6ItDXvGhaxYpQ6r4cU';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/osf/callback`;

function person(id: number, givenName: string, familyName: string): OsfUser {
  return { id: `q${id.toString(36).padStart(4, '0')}`, givenName, familyName };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the user moves with the API base). */
function osfEnv(osf: OsfEmulator): Record<string, string> {
  return presetEnv('osf', CLIENT_ID, CLIENT_SECRET, {
    OSF_AUTHORIZE_URL: `${osf.origin}/oauth2/authorize`,
    OSF_ACCESS_TOKEN_URL: `${osf.origin}/oauth2/token`,
    OSF_REVOCATION_URL: `${osf.origin}/oauth2/revoke`,
    OSF_API_BASE_URL: `${osf.origin}/v2`,
  });
}

const OSF: StandardProvider<OsfUser, OsfEmulator> = {
  preset: 'osf',
  displayName: 'OSF',
  startEmulator: () => startOsfEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: osfEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

const nodes = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/osf/proxy/users/me/nodes/`);

describeEachDialect('OSF, against an emulator of OSF', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), OSF);
  const signIn = (user: OsfUser) => signInAs(context, 'osf', user);
  const tokenUrl = () => `${context.emulator.origin}/oauth2/token`;

  it('signs in as the GUID of /v2/users/me/ with the full name, no e-mail; osf.full_read with access_type=offline and no PKCE, the client in the form, an hour-long token with a refresh token', async () => {
    const { database, emulator: osf, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('osf.full_read');
    expect(request.get('access_type')).toBe('offline');
    expect(request.get('response_type')).toBe('code');
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({
      id: ada.id,
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      profile: `https://osf.io/${ada.id}/`,
      picture: `https://secure.gravatar.com/avatar/${ada.id}?d=identicon`,
    });
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Lovelace', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'osf');
    expect(token).toMatchObject({ refreshToken: expect.stringMatching(/^RT-/) });
    expectAccessTokenLifetime(token, OSF_ACCESS_TOKEN_SECONDS - 100, OSF_ACCESS_TOKEN_SECONDS);
    const exchange = osf.server.requests.findLast((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const form = osf.tokenForms.at(-1)!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(osf.server.requests.findLast((r) => r.path === '/v2/users/me/')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again finds the same person by the GUID, whatever the name became', async () => {
    const first = await signIn(person(105, 'Grace', 'Hopper'));
    const second = await signIn({ ...person(105, 'Grace', 'Hopper'), familyName: 'Murray Hopper' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy calls API v2; 20 concurrent calls on an expired token make one refresh, the client in the form, and the refresh token is kept, still taken', async () => {
    const { emulator: osf } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const first = await nodes(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ data: [{ type: 'nodes', attributes: { title: 'Turing replication' } }] });
    const { after } = await expectKeptAfterStorm(context, 'osf', userId, () => nodes(browser));
    expectAccessTokenLifetime(after, OSF_ACCESS_TOKEN_SECONDS - 100, OSF_ACCESS_TOKEN_SECONDS);
    const refresh = osf.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
    const again = await refreshAtProvider(tokenUrl(), CLIENT, after.refreshToken!, { by: 'form' });
    expect(await again.json()).toEqual({ access_token: expect.stringMatching(/^AT-/), token_type: 'Bearer', expires_in: OSF_ACCESS_TOKEN_SECONDS });
  });

  it('an API call without a token OSF takes is its 401 with errors[].detail', async () => {
    const response = await fetch(`${context.emulator.origin}/v2/users/me/`, { headers: { authorization: 'Bearer AT-1-unknown' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ errors: [{ detail: expect.any(String) }] });
  });

  it("the application revoked in the person's OSF settings marks the connection 'needs re-auth' after one refused refresh", async () => {
    const { emulator: osf } = context;
    const leaving = person(103, 'Barbara', 'Liskov');
    const { browser, userId } = await signIn(leaving);
    osf.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'osf', userId, () => nodes(browser));
  });

  it("disconnect revokes the refresh token alone at /oauth2/revoke (never with the client, which would end every user's tokens): both tokens end, and another person's stay", async () => {
    const { emulator: osf } = context;
    const other = await signIn(person(106, 'Other', 'Person'));
    const otherToken = (await context.app.runtime.tokenStore.findToken(other.userId, 'osf'))!;
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    const stored = await expectDisconnectRevokes(context, 'osf', { browser, userId }, { requests: 1 });
    expect(osf.revocations.at(-1)).toEqual({ token: stored.refreshToken });
    expect(osf.server.requests.findLast((r) => r.path === '/oauth2/revoke')!.headers.authorization).toBeUndefined();
    expect(osf.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProvider(tokenUrl(), CLIENT, stored.refreshToken!, { by: 'form' })).status).toBe(400);
    expect(osf.accepts(otherToken.accessToken)).toBe(true);
  });

  it('the revocation endpoint ends every token of the application when sent the client without a token, and refuses a token sent with the client', async () => {
    const { emulator: osf } = context;
    const { userId } = await signIn(person(107, 'Every', 'Token'));
    const token = (await context.app.runtime.tokenStore.findToken(userId, 'osf'))!;
    const both = await fetch(`${osf.origin}/oauth2/revoke`, { method: 'POST', body: new URLSearchParams({ token: token.accessToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) });
    expect(both.status).toBe(400);
    expect(osf.accepts(token.accessToken)).toBe(true);
    const all = await fetch(`${osf.origin}/oauth2/revoke`, { method: 'POST', body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) });
    expect(all.status).toBe(204);
    expect(osf.accepts(token.accessToken)).toBe(false);
  });

  it('/v2/users/me/ failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, OSF, person(110, 'Outage', 'Profile'), (osf) => osf.failNextProfile(500));
  });

  standardCases(() => context, OSF, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(OSF, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('OSF in production', () => {
  it('with the client alone, signs in at accounts.osf.io, reads api.osf.io/v2/users/me/ and calls API v2, osf.full_read asked offline, the client in the form', () => {
    const { settings } = presetInProduction('osf', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'OSF',
      endpoints: {
        authorizationEndpoint: 'https://accounts.osf.io/oauth2/authorize',
        tokenEndpoint: 'https://accounts.osf.io/oauth2/token',
        userinfoEndpoint: 'https://api.osf.io/v2/users/me/',
        revocationEndpoint: 'https://accounts.osf.io/oauth2/revoke',
      },
      scope: 'osf.full_read',
      authorizationParams: { access_type: 'offline' },
      pkce: false,
      apiBaseUrl: 'https://api.osf.io/v2',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
