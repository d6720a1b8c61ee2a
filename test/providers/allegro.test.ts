import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { ALLEGRO_ACCESS_TOKEN_SECONDS, ALLEGRO_V1, startAllegroEmulator, type AllegroEmulator, type AllegroUser } from './allegro.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind Allegro gives a registered application (32 hex digits; 64 letters and digits).
const CLIENT_ID = '8c58468512f54bb39fcc1d2130de0a1b';
const CLIENT_SECRET = 'Q7wXk2LmN9pRt4vYz6BcD1fGh3JkL5nPq8RsT0uVw2XyZ4aB6cD8eF0gH2iJ4kL6';
const REDIRECT_URI = `${APP_ORIGIN}/auth/allegro/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, firstName: string, lastName: string): AllegroUser {
  return { id: String(43000000 + id), login: `${firstName.toLowerCase()}_${lastName.toLowerCase()}`.slice(0, 20), firstName, lastName, email: `${firstName.toLowerCase()}@sklep.test` };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the profile moves with the API base). */
function allegroEnv(allegro: AllegroEmulator): Record<string, string> {
  return presetEnv('allegro', CLIENT_ID, CLIENT_SECRET, {
    ALLEGRO_AUTHORIZE_URL: `${allegro.origin}/auth/oauth/authorize`,
    ALLEGRO_ACCESS_TOKEN_URL: `${allegro.origin}/auth/oauth/token`,
    ALLEGRO_API_BASE_URL: allegro.origin,
  });
}

const ALLEGRO: StandardProvider<AllegroUser, AllegroEmulator> = {
  preset: 'allegro',
  displayName: 'Allegro',
  startEmulator: () => startAllegroEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: allegroEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

const offers = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/allegro/proxy/sale/offers`);

describeEachDialect('Allegro, against an emulator of Allegro', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ALLEGRO);
  const signIn = (user: AllegroUser) => signInAs(context, 'allegro', user);
  const tokenUrl = () => `${context.emulator.origin}/auth/oauth/token`;

  it('signs in as the id of /me (read with the v1 media type), named by the first and last names, the login as username, an unverified e-mail; no scope, PKCE, the client as Basic, a 12-hour token with a refresh token', async () => {
    const { database, emulator: allegro, app } = context;
    const jan = person(101, 'Jan', 'Kowalski');
    const { userId, request } = await signIn(jan);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('43000101');
    expect(JSON.parse(account.claims)).toEqual({ id: '43000101', name: 'Jan Kowalski', given_name: 'Jan', family_name: 'Kowalski', email: 'jan@sklep.test', preferred_username: 'jan_kowalski' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'jan@sklep.test', name: 'Jan Kowalski' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'allegro');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, ALLEGRO_ACCESS_TOKEN_SECONDS - 100, ALLEGRO_ACCESS_TOKEN_SECONDS);
    const exchange = allegro.server.requests.find((r) => r.path === '/auth/oauth/token')!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    const parameters = allegro.tokenParameters[0]!;
    expect(parameters.get('grant_type')).toBe('authorization_code');
    expect(parameters.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(parameters.get('code_verifier')).toMatch(/^[\w-]{43,128}$/);
    expect(parameters.has('client_secret')).toBe(false);
    const profile = allegro.server.requests.filter((r) => r.path === '/me').at(-1)!;
    expect(profile.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
    expect(profile.headers.accept).toBe(ALLEGRO_V1);
  });

  it('signing in again finds the same person by the id, whatever the login became', async () => {
    const first = await signIn(person(105, 'Anna', 'Nowak'));
    const second = await signIn({ ...person(105, 'Anna', 'Nowak'), login: 'anna_sklep' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy calls the REST API with the v1 media type; 20 concurrent calls on an expired token make one refresh, as Basic, whose new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: allegro } = context;
    const { browser, userId } = await signIn(person(102, 'Maria', 'Wisniewska'));
    const first = await offers(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ offers: [{ name: 'Offer of maria_wisniewska' }], count: 1 });
    expect(allegro.server.requests.filter((r) => r.path === '/sale/offers').at(-1)!.headers.accept).toBe(ALLEGRO_V1);
    const { before, after } = await expectRotatedAfterStorm(context, 'allegro', userId, () => offers(browser));
    expectAccessTokenLifetime(after, ALLEGRO_ACCESS_TOKEN_SECONDS - 100, ALLEGRO_ACCESS_TOKEN_SECONDS);
    const refresh = allegro.tokenParameters.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.has('client_secret')).toBe(false);
    expect(allegro.server.requests.filter((r) => r.path === '/auth/oauth/token').at(-1)!.headers.authorization).toMatch(/^Basic /);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    expect((await refreshAtProvider(tokenUrl(), CLIENT, after.refreshToken!, { by: 'form' })).status).toBe(401);
  });

  it('the API refuses a call without the v1 media type (406) and a token it does not take (401 invalid_token)', async () => {
    const { emulator: allegro } = context;
    const { userId } = await signIn(person(106, 'Piotr', 'Zielinski'));
    const token = (await context.app.runtime.tokenStore.findToken(userId, 'allegro'))!;
    expect((await fetch(`${allegro.origin}/me`, { headers: { authorization: `Bearer ${token.accessToken}`, accept: 'application/json' } })).status).toBe(406);
    expect(await statusAndBody(fetch(`${allegro.origin}/sale/offers`, { headers: { authorization: 'Bearer not-a-token', accept: ALLEGRO_V1 } }))).toEqual({ status: 401, body: { error: 'invalid_token', error_description: 'Invalid access token' } });
  });

  it("the application unlinked in the person's Allegro account marks the connection 'needs re-auth' after one refresh Allegro refuses", async () => {
    const { emulator: allegro } = context;
    const leaving = person(103, 'Tomasz', 'Lewandowski');
    const { browser, userId } = await signIn(leaving);
    allegro.unlinkApplication(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'allegro', userId, () => offers(browser));
  });

  it('disconnect asks Allegro nothing (it documents no revocation) and forgets the tokens, which Allegro still takes', async () => {
    const { emulator: allegro, app } = context;
    const { browser, userId } = await signIn(person(104, 'Ewa', 'Kaminska'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'allegro'))!;
    await expectDisconnectAsksNothing(context, 'allegro', { browser, userId });
    expect(allegro.accepts(stored.accessToken)).toBe(true);
  });

  it('/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, ALLEGRO, person(110, 'Awaria', 'Profilu'), (allegro) => allegro.failNextProfile(500));
  });

  standardCases(() => context, ALLEGRO, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(ALLEGRO, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Allegro in production', () => {
  it('with the client alone, signs in at allegro.pl, reads api.allegro.pl/me and calls the API there with the v1 media type, no scope, PKCE and the client as Basic', () => {
    const { settings } = presetInProduction('allegro', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Allegro',
      endpoints: {
        authorizationEndpoint: 'https://allegro.pl/auth/oauth/authorize',
        tokenEndpoint: 'https://allegro.pl/auth/oauth/token',
        userinfoEndpoint: 'https://api.allegro.pl/me',
      },
      scope: '',
      apiBaseUrl: 'https://api.allegro.pl',
      apiHeaders: { accept: ALLEGRO_V1 },
      tokenEndpointAuthMethod: 'client_secret_basic',
      subjectClaim: 'id',
    });
  });

  it('with ALLEGRO_BASE_URL naming the sandbox, signs in, refreshes and calls the API there', () => {
    const { settings } = presetInProduction('allegro', CLIENT);
    expect(settings({ ALLEGRO_BASE_URL: 'https://allegro.pl.allegrosandbox.pl' })).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://allegro.pl.allegrosandbox.pl/auth/oauth/authorize',
        tokenEndpoint: 'https://allegro.pl.allegrosandbox.pl/auth/oauth/token',
        userinfoEndpoint: 'https://api.allegro.pl.allegrosandbox.pl/me',
      },
      apiBaseUrl: 'https://api.allegro.pl.allegrosandbox.pl',
    });
  });
});
