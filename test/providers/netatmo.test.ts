import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { NETATMO_ACCESS_TOKEN_SECONDS, startNetatmoEmulator, type NetatmoEmulator, type NetatmoUser } from './netatmo.emulator.js';

// A client id and secret of the kind Netatmo's "My apps" page shows for an app.
const CLIENT_ID = '5fbf9bad3ef0f64c4859b2e6';
const CLIENT_SECRET = 'Hq7LmN2pR8sT4vW6xY9zA3bC5dE1fG0jK';
const REDIRECT_URI = `${APP_ORIGIN}/auth/netatmo/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, name: string): NetatmoUser {
  return { id: `5c810a0b0c0d0e0f1011${String(id).padStart(4, '0')}`, name, email: `${name.split(' ')[0]!.toLowerCase()}@acme.test` };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (the profile moves with the API base). */
function netatmoEnv(netatmo: NetatmoEmulator): Record<string, string> {
  return presetEnv('netatmo', CLIENT_ID, CLIENT_SECRET, {
    NETATMO_AUTHORIZE_URL: `${netatmo.origin}/oauth2/authorize`,
    NETATMO_ACCESS_TOKEN_URL: `${netatmo.origin}/oauth2/token`,
    NETATMO_API_BASE_URL: `${netatmo.origin}/api`,
  });
}

const NETATMO: StandardProvider<NetatmoUser, NetatmoEmulator> = {
  preset: 'netatmo',
  displayName: 'Netatmo',
  startEmulator: () => startNetatmoEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: netatmoEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.id,
};

const stations = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/netatmo/proxy/getstationsdata`);

describeEachDialect('Netatmo, against an emulator of Netatmo Connect', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), NETATMO);
  const signIn = (user: NetatmoUser) => signInAs(context, 'netatmo', user);
  const tokenUrl = () => `${context.emulator.origin}/oauth2/token`;

  it("signs in as the id of /api/homesdata's user with an unverified e-mail; read_station asked, no PKCE, the client in the form, a 3-hour token whose scope array is kept as read_station", async () => {
    const { database, emulator: netatmo, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('read_station');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({ id: ada.id, email: 'ada@acme.test', locale: 'en-GB' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('ada@acme.test');
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'netatmo');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'read_station' });
    expectAccessTokenLifetime(token, NETATMO_ACCESS_TOKEN_SECONDS - 100, NETATMO_ACCESS_TOKEN_SECONDS);
    const exchange = netatmo.server.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = netatmo.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(netatmo.server.requests.findLast((r) => r.path === '/api/homesdata')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again finds the same person by the id, whatever their e-mail became', async () => {
    const first = await signIn(person(105, 'Grace Hopper'));
    const second = await signIn({ ...person(105, 'Grace Hopper'), email: 'admiral@acme.test' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy calls the API; 20 concurrent calls on an expired token make one refresh with the client in the form, whose new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: netatmo } = context;
    const { browser, userId } = await signIn(person(102, 'Alan Turing'));
    const first = await stations(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ body: { devices: [{ type: 'NAMain', station_name: "Alan Turing's station" }] }, status: 'ok' });
    const { before, after } = await expectRotatedAfterStorm(context, 'netatmo', userId, () => stations(browser));
    expect(after.scope).toBe('read_station');
    expectAccessTokenLifetime(after, NETATMO_ACCESS_TOKEN_SECONDS - 100, NETATMO_ACCESS_TOKEN_SECONDS);
    const refresh = netatmo.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_id')).toBe(CLIENT_ID);
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!, { by: 'form' }))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    const refreshed = await refreshAtProvider(tokenUrl(), CLIENT, after.refreshToken!, { by: 'form' });
    expect(await refreshed.json()).toMatchObject({ scope: ['read_station'], expires_in: NETATMO_ACCESS_TOKEN_SECONDS, refresh_token: expect.any(String) });
  });

  it("an access token Netatmo stopped taking: its 403 code 2 is read as the token refused, one refresh is made and the call answered", async () => {
    const { emulator: netatmo, app } = context;
    const { browser, userId } = await signIn(person(106, 'Katherine Johnson'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'netatmo'))!;
    netatmo.endAccessToken(stored.accessToken);
    const refused = await fetch(`${netatmo.origin}/api/getstationsdata`, { headers: { authorization: `Bearer ${stored.accessToken}` } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: { code: 2, message: 'Invalid access token' } });
    const refreshes = netatmo.server.counts.refresh_token ?? 0;
    const call = await stations(browser);
    expect(call.status).toBe(200);
    expect(netatmo.server.counts.refresh_token ?? 0).toBe(refreshes + 1);
    expect((await app.runtime.tokenStore.findToken(userId, 'netatmo'))!.accessToken).not.toBe(stored.accessToken);
  });

  it("the app's access removed in Netatmo marks the connection 'needs re-auth' after one refresh Netatmo refuses", async () => {
    const { emulator: netatmo } = context;
    const leaving = person(103, 'Barbara Liskov');
    const { browser, userId } = await signIn(leaving);
    netatmo.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'netatmo', userId, () => stations(browser));
  });

  it('disconnect asks Netatmo nothing (it documents no revocation) and forgets the tokens, which Netatmo still takes', async () => {
    const { emulator: netatmo, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'netatmo'))!;
    await expectDisconnectAsksNothing(context, 'netatmo', { browser, userId });
    expect(netatmo.accepts(stored.accessToken)).toBe(true);
  });

  it('/api/homesdata failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, NETATMO, person(110, 'Outage Profile'), (netatmo) => netatmo.failNextProfile(500));
  });

  standardCases(() => context, NETATMO, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(NETATMO, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Netatmo in production', () => {
  it('with the client alone, signs in at api.netatmo.com/oauth2, reads /api/homesdata and calls the API there, asking read_station with the client in the form', () => {
    const { settings } = presetInProduction('netatmo', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Netatmo',
      endpoints: {
        authorizationEndpoint: 'https://api.netatmo.com/oauth2/authorize',
        tokenEndpoint: 'https://api.netatmo.com/oauth2/token',
        userinfoEndpoint: 'https://api.netatmo.com/api/homesdata',
      },
      scope: 'read_station',
      apiBaseUrl: 'https://api.netatmo.com/api',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
