import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { connectOnlyCases, signedInThroughWayIn, useConnectOnlyTest } from './kit/connect-only.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, csrfTokenOf, presetEnv } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { expectAccessTokenLifetime, standardPeople } from './kit/standard-cases.js';
import { NETATMO_ACCESS_TOKEN_SECONDS, startNetatmoEmulator, type NetatmoEmulator, type NetatmoUser } from './netatmo.emulator.js';

// A client id and secret of the kind Netatmo's "My apps" page shows for an app.
const CLIENT_ID = '5fbf9bad3ef0f64c4859b2e6';
const CLIENT_SECRET = 'Hq7LmN2pR8sT4vW6xY9zA3bC5dE1fG0jK';
const REDIRECT_URI = `${APP_ORIGIN}/auth/netatmo/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, name: string): NetatmoUser {
  return { id: `5c810a0b0c0d0e0f1011${String(id).padStart(4, '0')}`, name, email: `${name.split(' ')[0]!.toLowerCase()}@acme.test` };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator. */
function netatmoEnv(netatmo: NetatmoEmulator): Record<string, string> {
  return presetEnv('netatmo', CLIENT_ID, CLIENT_SECRET, {
    NETATMO_AUTHORIZE_URL: `${netatmo.origin}/oauth2/authorize`,
    NETATMO_ACCESS_TOKEN_URL: `${netatmo.origin}/oauth2/token`,
    NETATMO_API_BASE_URL: `${netatmo.origin}/api`,
  });
}

const stations = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/netatmo/proxy/getstationsdata`);

describeEachDialect('Netatmo, connect-only, against an emulator of Netatmo Connect', (dialect) => {
  // The way in: people sign in with the dev provider, then connect Netatmo from the account page.
  const context = useConnectOnlyTest(
    () => dialect.openTestDatabase(),
    { preset: 'netatmo', startEmulator: () => startNetatmoEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }), env: netatmoEnv },
    { misconfiguredEnv: () => ({ NETATMO_CLIENT_SECRET: 'not-the-secret' }) },
  );
  const tokenUrl = () => `${context.emulator.origin}/oauth2/token`;
  const { connect } = context;

  it("connects to the signed-in user, whose own id is the subject, reading no profile; read_station asked, no PKCE, the client in the form, a 3-hour token whose scope array is kept as read_station", async () => {
    const { database, emulator: netatmo, app } = context;
    netatmo.signInAs(person(101, 'Ada Lovelace'));
    const { browser, userId } = await signedInThroughWayIn(app, 'alice');
    const start = await browser.post(`${APP_ORIGIN}/account/connections/netatmo`, { _csrf: await csrfTokenOf(browser) }, { followRedirects: false });
    const request = new URL(start.location!).searchParams;
    expect(start.location!.startsWith(`${netatmo.origin}/oauth2/authorize?`)).toBe(true);
    expect(request.get('scope')).toBe('read_station');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const page = await browser.get(start.location!);
    expect(page.url).toBe(`${APP_ORIGIN}/account`);
    expect(page.text).toContain('none: Netatmo does not say who you are there');
    const accounts = await database.db.selectFrom('accounts').select(['provider', 'subject']).where('user_id', '=', userId).orderBy('provider').execute();
    expect(accounts).toEqual([
      { provider: 'netatmo', subject: userId },
      { provider: 'toolkit', subject: expect.not.stringMatching(userId) },
    ]);
    const token = await app.runtime.tokenStore.findToken(userId, 'netatmo');
    expect(token).toMatchObject({ status: 'active', refreshToken: expect.any(String), scope: 'read_station' });
    expectAccessTokenLifetime(token, NETATMO_ACCESS_TOKEN_SECONDS - 100, NETATMO_ACCESS_TOKEN_SECONDS);
    expect(netatmo.server.requests.filter((r) => r.path.startsWith('/api/'))).toEqual([]);
    const exchange = netatmo.server.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = netatmo.tokenForms.at(-1)!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
  });

  it('the proxy calls the API; 20 concurrent calls on an expired token make one refresh with the client in the form, whose new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: netatmo } = context;
    const { browser, userId } = await connect(person(102, 'Alan Turing'));
    const first = await stations(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ body: { devices: [{ type: 'NAMain', station_name: "Alan Turing's station" }] }, status: 'ok' });
    expect(netatmo.server.requests.findLast((r) => r.path === '/api/getstationsdata')!.headers.authorization).toMatch(/^Bearer /);
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

  it('an access token Netatmo stopped taking: its 403 code 2 is read as the token refused, one refresh is made and the call answered', async () => {
    const { emulator: netatmo, app } = context;
    const { browser, userId } = await connect(person(106, 'Katherine Johnson'));
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

  it("the app's access removed in Netatmo marks the connection 'needs re-auth' after one refresh Netatmo refuses; connecting again makes it active", async () => {
    const { emulator: netatmo, app } = context;
    const leaving = person(103, 'Barbara Liskov');
    const { browser, userId } = await connect(leaving, 'mallory');
    netatmo.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'netatmo', userId, () => stations(browser));
    expect((await browser.get(`${APP_ORIGIN}/account`)).text).toContain('Connect Netatmo again');
    await connect(leaving, 'mallory');
    expect((await app.runtime.tokenStore.findToken(userId, 'netatmo'))!.status).toBe('active');
    expect((await stations(browser)).status).toBe(200);
  });

  // Never signed in with; a disconnect; and, connected through Bob, a cancelled consent, a client secret Netatmo refuses, and its token endpoint failing.
  connectOnlyCases(
    context,
    { preset: 'netatmo', displayName: 'Netatmo', people: { disconnect: person(104, 'Goodbye Person'), ...standardPeople(person) } },
    { cancelled: {}, wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} },
  );
});

describe('Netatmo in production', () => {
  it('with the client alone, is connect-only: authorizes at api.netatmo.com/oauth2 and calls the API there, asking read_station with the client in the form, reading no profile', () => {
    const { settings } = presetInProduction('netatmo', CLIENT);
    const production = settings({});
    expect(production).toMatchObject({
      displayName: 'Netatmo',
      endpoints: {
        authorizationEndpoint: 'https://api.netatmo.com/oauth2/authorize',
        tokenEndpoint: 'https://api.netatmo.com/oauth2/token',
      },
      scope: 'read_station',
      apiBaseUrl: 'https://api.netatmo.com/api',
      tokenEndpointAuthMethod: 'client_secret_post',
      connectOnly: true,
    });
    expect(production.endpoints?.userinfoEndpoint).toBeUndefined();
  });

  it('NETATMO_CONNECT_ONLY=off stops start-up: Netatmo says nothing of who the person is', () => {
    expect(presetInProduction('netatmo', CLIENT).refusal({ NETATMO_CONNECT_ONLY: 'off' })).toMatch(/NETATMO_CONNECT_ONLY.*cannot be off with the netatmo preset/);
  });
});
