import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { connectionRowsOf, connectOnlyCases, useConnectOnlyTest } from './kit/connect-only.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { expectAccessTokenLifetime } from './kit/standard-cases.js';
import { RESIDEO_ACCESS_TOKEN_SECONDS, startResideoEmulator, type ResideoAccount, type ResideoEmulator } from './resideo.emulator.js';

// A Consumer Key and Consumer Secret of the kind Resideo's developer portal gives an app.
const CLIENT_ID = 'Xk3m9QpL2vR7tY1wZ5aB8cD4eF6gH0jN';
const CLIENT_SECRET = 'Pq8rS2tU6vW0xY4z';
const REDIRECT_URI = `${APP_ORIGIN}/auth/resideo/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

const account = (...names: string[]): ResideoAccount => ({ locations: names.map((name, index) => ({ locationID: 559589 + index, name })) });

/** Only the documented variables: the preset, the client, the endpoints and the API base pointed at the emulator; the dev provider beside it as the way in. */
function resideoEnv(resideo: ResideoEmulator): Record<string, string> {
  return presetEnv('resideo', CLIENT_ID, CLIENT_SECRET, {
    RESIDEO_AUTHORIZE_URL: `${resideo.origin}/oauth2/authorize`,
    RESIDEO_ACCESS_TOKEN_URL: `${resideo.origin}/oauth2/token`,
    RESIDEO_API_BASE_URL: resideo.origin,
  });
}

const locations = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/resideo/proxy/v2/locations`);

describeEachDialect('Resideo, connect-only, against an emulator of the Honeywell Home API', (dialect) => {
  const context = useConnectOnlyTest(
    () => dialect.openTestDatabase(),
    { preset: 'resideo', startEmulator: () => startResideoEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }), env: resideoEnv },
    { misconfiguredEnv: () => ({ RESIDEO_CLIENT_SECRET: 'not-the-secret' }) },
  );

  const { connect } = context;

  it("connects to the signed-in user, whose own id is the subject: no scope and no PKCE asked; the code exchanged with the key and secret as plain Basic and redirect_uri in the form; Resideo's string expires_in read as the token's lifetime", async () => {
    const { emulator: resideo, app } = context;
    const { userId, page } = await connect(account('Home'));
    expect(page.url).toBe(`${APP_ORIGIN}/account`);
    const authorize = new URL(resideo.server.requests.filter((r) => r.path.startsWith('/oauth2/authorize?')).at(-1)!.path, resideo.origin).searchParams;
    expect(authorize.get('response_type')).toBe('code');
    expect(authorize.get('client_id')).toBe(CLIENT_ID);
    expect(authorize.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(authorize.get('state')).toEqual(expect.any(String));
    expect(authorize.has('scope')).toBe(false);
    expect(authorize.has('code_challenge')).toBe(false);
    expect(await connectionRowsOf(context.database, userId, 'resideo')).toMatchObject({ accounts: [{ subject: userId }], tokens: [{ status: 'active' }] });
    const token = await app.runtime.tokenStore.findToken(userId, 'resideo');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, RESIDEO_ACCESS_TOKEN_SECONDS - 100, RESIDEO_ACCESS_TOKEN_SECONDS);
    const exchange = resideo.server.requests.filter((r) => r.path === '/oauth2/token').at(-1)!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    const form = resideo.tokenForms.at(-1)!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(form.has('client_secret')).toBe(false);
    expect(resideo.server.requests.filter((r) => r.path.startsWith('/v2/'))).toEqual([]);
  });

  it('the proxy calls the API with the token as Bearer and the API key as apikey; 20 concurrent calls on an expired token make one refresh, with Basic credentials, and the refresh token is kept', async () => {
    const { emulator: resideo } = context;
    const { browser, userId } = await connect(account('Home', 'Cabin'));
    const first = await locations(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toEqual([
      { locationID: 559589, name: 'Home', devices: [] },
      { locationID: 559590, name: 'Cabin', devices: [] },
    ]);
    const call = resideo.server.requests.filter((r) => r.path.startsWith('/v2/locations')).at(-1)!;
    expect(new URL(call.path, resideo.origin).searchParams.get('apikey')).toBe(CLIENT_ID);
    const { after } = await expectKeptAfterStorm(context, 'resideo', userId, () => locations(browser));
    expectAccessTokenLifetime(after, RESIDEO_ACCESS_TOKEN_SECONDS - 100, RESIDEO_ACCESS_TOKEN_SECONDS);
    const refresh = resideo.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('refresh_token')).toBe(after.refreshToken);
    expect(resideo.server.requests.filter((r) => r.path === '/oauth2/token').at(-1)!.headers.authorization).toMatch(/^Basic /);
    expect(resideo.server.requests.filter((r) => r.path.startsWith('/v2/locations')).at(-1)!.headers.authorization).toBe(`Bearer ${after.accessToken}`);
    // Resideo refuses a refresh token it does not take 400 invalid_grant, a client without its Basic pair 401, and a call without the API key.
    expect(await statusAndBody(refreshAtProvider(`${resideo.origin}/oauth2/token`, CLIENT, 'not-a-refresh-token', { by: 'basic' }))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    expect((await refreshAtProvider(`${resideo.origin}/oauth2/token`, CLIENT, after.refreshToken!, { by: 'form' })).status).toBe(401);
    expect((await fetch(`${resideo.origin}/v2/locations`, { headers: { authorization: `Bearer ${after.accessToken}` } })).status).toBe(401);
  });

  it("the person's grant ended at Resideo: the refresh Resideo refuses (400 invalid_grant) marks the connection 'needs re-auth' after one try", async () => {
    const { emulator: resideo } = context;
    const leaving = account('Lake house');
    const { browser, userId } = await connect(leaving);
    resideo.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'resideo', userId, () => locations(browser));
    expect((await locations(browser)).status).toBe(401);
  });

  // Never signed in with; a disconnect; and, connected through Bob, a cancelled consent, a client secret Resideo refuses, and its token endpoint failing.
  connectOnlyCases(
    context,
    { preset: 'resideo', displayName: 'Resideo', people: { disconnect: account('Flat'), cancelled: account('Office'), 'wrong-secret': account('Garage'), 'exchange-failure': account('Shed') } },
    { cancelled: {}, wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} },
  );
});
