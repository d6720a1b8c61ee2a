import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startMercadoLibreEmulator, type MercadoLibreEmulator, type MercadoLibreUser } from './mercadolibre.emulator.js';

// A client id and secret of the form Mercado Libre's DevCenter shows.
const CLIENT_ID = '4934588586838432';
const CLIENT_SECRET = 'Xk3pQ9rT2vW7yZ1bN5mC8dF4gH6jL0sA';
const REDIRECT_URI = `${APP_ORIGIN}/auth/mercadolibre/callback`;

function person(id: number, firstName: string, lastName: string): MercadoLibreUser {
  return { id: 202593000 + id, nickname: `${firstName}${lastName}`.toUpperCase(), firstName, lastName, email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the profile moves with the API base). */
function meliEnv(meli: MercadoLibreEmulator): Record<string, string> {
  return presetEnv('mercadolibre', CLIENT_ID, CLIENT_SECRET, {
    MERCADOLIBRE_AUTHORIZE_URL: `${meli.origin}/authorization`,
    MERCADOLIBRE_ACCESS_TOKEN_URL: `${meli.origin}/oauth/token`,
    MERCADOLIBRE_API_BASE_URL: meli.origin,
  });
}

/** A refresh at Mercado Libre itself, as another copy of the token would make it. */
function refreshAtMeli(meli: MercadoLibreEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${meli.origin}/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form', headers: { accept: 'application/json' } });
}

const MERCADOLIBRE: StandardProvider<MercadoLibreUser, MercadoLibreEmulator> = {
  preset: 'mercadolibre',
  displayName: 'Mercado Libre',
  startEmulator: () => startMercadoLibreEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: meliEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => String(user.id),
};

const items = (browser: TestBrowser, user: MercadoLibreUser) => browser.get(`${APP_ORIGIN}/api/providers/mercadolibre/proxy/users/${user.id}/items/search`);

describeEachDialect('Mercado Libre, against an emulator of Mercado Libre', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), MERCADOLIBRE);

  const signIn = (user: MercadoLibreUser) => signInAs(context, 'mercadolibre', user);

  it("signs in as the numeric id of /users/me, never the nickname, with the name and e-mail (verification unknown); PKCE S256, the app's scopes, the client in the form, six-hour tokens with a refresh token", async () => {
    const { database, emulator: meli, app } = context;
    const ana = person(101, 'Ana', 'Souza');
    const { userId, request } = await signIn(ana);
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('code_challenge')).toEqual(expect.any(String));
    expect(request.get('scope')).toBe('offline_access read write');
    expect(request.get('state')).toEqual(expect.any(String));
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(String(ana.id));
    expect(JSON.parse(account.claims)).toMatchObject({ id: ana.id, preferred_username: 'ANASOUZA' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ana.souza@example.com', name: 'Ana Souza' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'mercadolibre');
    expect(token).toMatchObject({ refreshToken: expect.stringMatching(/^TG-/), scope: 'offline_access read write' });
    expectAccessTokenLifetime(token, 21_500, 21_600);
    const exchange = meli.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
  });

  it('the proxy calls the API; 20 concurrent calls on an expired token make one refresh, the new single-use refresh token is kept, and the used one is refused', async () => {
    const { emulator: meli } = context;
    const seller = person(102, 'Storm', 'Seller');
    const { browser, userId } = await signIn(seller);
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'mercadolibre', userId, () => items(browser, seller));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ seller_id: String(seller.id), results: ['MLA1234567890', 'MLA1234567891'] });
    expect(after.scope).toBe('offline_access read write');
    expectAccessTokenLifetime(after, 21_500, 21_600);
    expect(await statusAndBody(refreshAtMeli(meli, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant', status: 400 } });
  });

  it("the app revoked in the person's Mercado Libre account marks the connection 'needs re-auth' after the API's 401, with one refused refresh", async () => {
    const { emulator: meli, app } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    meli.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: meli }, 'mercadolibre', userId, () => items(browser, leaving));
  });

  it("disconnect reads the person's id from /users/me and revokes the app's authorization with DELETE /users/{id}/applications/{client id}; its tokens end", async () => {
    const { emulator: meli } = context;
    const goodbye = person(104, 'Goodbye', 'Person');
    const { browser, userId } = await signIn(goodbye);
    const stored = await expectDisconnectRevokes(context, 'mercadolibre', { browser, userId }, { requests: 1 });
    const sent = meli.server.requests.filter((r) => r.method === 'DELETE').at(-1)!;
    expect(sent.path).toBe(`/users/${goodbye.id}/applications/${CLIENT_ID}`);
    expect(sent.headers.authorization).toBe(`Bearer ${stored.accessToken}`);
    expect(meli.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtMeli(meli, stored.refreshToken!)).status).toBe(400);
  });

  it("disconnect after the app was revoked in the account: the API's 401 for the token it no longer has counts as revoked", async () => {
    const { emulator: meli, app } = context;
    const gone = person(106, 'Already', 'Gone');
    const { browser, userId } = await signIn(gone);
    meli.removeApp(gone);
    expect(await disconnectThrough(browser, 'mercadolibre')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'mercadolibre')).toBeUndefined();
  });

  standardCases(() => context, MERCADOLIBRE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(MERCADOLIBRE, { wrongSecret: { sentAs: '400 invalid_client' }, exchangeFailure: {} });
