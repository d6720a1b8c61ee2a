import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startAkahuEmulator, type AkahuEmulator, type AkahuUser } from './akahu.emulator.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// An App ID Token and App Secret of the form Akahu issues to a registered app.
const CLIENT_ID = 'app_token_cl3x9q0w1000108l27fhd2k9a';
const CLIENT_SECRET = '5f1c0a7e9b2d4e8f6a3c1b0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f';
const REDIRECT_URI = `${APP_ORIGIN}/auth/akahu/callback`;

function person(id: number, firstName: string, lastName: string): AkahuUser {
  return { id: `user_ck9uh3kex0001${String(id).padStart(4, '0')}muemzpdkr7`, firstName, lastName, email: `${firstName.toLowerCase()}@example.nz` };
}

/** Only the documented variables: the preset, the client, and each endpoint and the API base pointed at the emulator (the user moves with the API base). */
function akahuEnv(akahu: AkahuEmulator): Record<string, string> {
  return presetEnv('akahu', CLIENT_ID, CLIENT_SECRET, {
    AKAHU_AUTHORIZE_URL: `${akahu.origin}/`,
    AKAHU_ACCESS_TOKEN_URL: `${akahu.origin}/v1/token`,
    AKAHU_REVOCATION_URL: `${akahu.origin}/v1/token`,
    AKAHU_API_BASE_URL: `${akahu.origin}/v1`,
  });
}

const AKAHU: StandardProvider<AkahuUser, AkahuEmulator> = {
  preset: 'akahu',
  displayName: 'Akahu',
  startEmulator: () => startAkahuEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: akahuEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

const accounts = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/akahu/proxy/accounts`);

describeEachDialect('Akahu, against an emulator of Akahu', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), AKAHU);
  const signIn = (user: AkahuUser) => signInAs(context, 'akahu', user);

  it('signs in as the User ID of /v1/me with the names and an unverified e-mail; ENDURING_CONSENT asked, no PKCE, the code exchanged as JSON with the client, a token with no end and no refresh token; X-Akahu-ID on the profile call', async () => {
    const { database, emulator: akahu, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('ENDURING_CONSENT');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({ id: ada.id, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@example.nz' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.nz' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'akahu');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null });
    const exchange = akahu.server.requests.findLast((r) => r.path === '/v1/token')!;
    expect(exchange.headers['content-type']).toMatch(/^application\/json/);
    expect(exchange.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(akahu.tokenRequests.at(-1)!)).toEqual({ grant_type: 'authorization_code', code: expect.any(String), redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    const profile = akahu.server.requests.findLast((r) => r.path === '/v1/me')!;
    expect(profile.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
    expect(profile.headers['x-akahu-id']).toBe(CLIENT_ID);
  });

  it('the preferred name, when the person set one, is the name; signing in again finds the same person by the User ID', async () => {
    const first = await signIn(person(105, 'Grace', 'Hopper'));
    const second = await signIn({ ...person(105, 'Grace', 'Hopper'), preferredName: 'Amazing Grace', email: 'grace@navy.example.nz' });
    expect(second.userId).toBe(first.userId);
    const user = await context.database.db.selectFrom('users').select('name').where('id', '=', second.userId).executeTakeFirstOrThrow();
    expect(user.name).toBe('Amazing Grace');
  });

  it('the proxy calls the API with the token and X-Akahu-ID; 20 concurrent calls ask Akahu for no token, as there is nothing to refresh', async () => {
    const { emulator: akahu } = context;
    const { browser } = await signIn(person(102, 'Alan', 'Turing'));
    const answers = await expectNoTokenRequestFor20Calls(akahu, () => accounts(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ success: true, items: [{ _id: 'acc_1234', name: "Alan's Everyday" }] });
    expect(akahu.server.requests.findLast((r) => r.path === '/v1/accounts')!.headers['x-akahu-id']).toBe(CLIENT_ID);
  });

  it('Akahu refuses an exchange as a form or without one of its parameters, an API call without X-Akahu-ID (403) and one with a token it does not take (401)', async () => {
    const { emulator: akahu } = context;
    const tokenUrl = `${akahu.origin}/v1/token`;
    const form = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) });
    expect(form.status).toBe(400);
    const missing = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'authorization_code', code: 'x', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) });
    expect(await statusAndBody(Promise.resolve(missing))).toEqual({ status: 400, body: { error: 'invalid_request' } });
    const { app } = context;
    const { userId } = await signIn(person(106, 'Header', 'Less'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'akahu'))!;
    const noAppId = await fetch(`${akahu.origin}/v1/me`, { headers: { authorization: `Bearer ${stored.accessToken}` } });
    expect(await statusAndBody(Promise.resolve(noAppId))).toEqual({ status: 403, body: { success: false, message: 'Forbidden' } });
    const unknown = await fetch(`${akahu.origin}/v1/me`, { headers: { authorization: 'Bearer not-a-token', 'x-akahu-id': CLIENT_ID } });
    expect(unknown.status).toBe(401);
  });

  it("the app's access revoked in my.akahu.nz: the 401 marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: akahu } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    akahu.revokeAccess(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'akahu', userId, () => accounts(browser));
  });

  it('disconnect revokes the token with DELETE /v1/token, the token as Bearer and X-Akahu-ID, and it ends', async () => {
    const { emulator: akahu } = context;
    const { browser, userId } = await signIn(person(104, 'Radia', 'Perlman'));
    const stored = await expectDisconnectRevokes(context, 'akahu', { browser, userId }, { requests: 1 });
    const sent = akahu.server.requests.filter((r) => r.path === '/v1/token' && r.method === 'DELETE').at(-1)!;
    expect(sent.headers.authorization).toBe(`Bearer ${stored.accessToken}`);
    expect(sent.headers['x-akahu-id']).toBe(CLIENT_ID);
    expect(akahu.accepts(stored.accessToken)).toBe(false);
  });

  it("disconnect after the person revoked the app: Akahu's 401 counts as revoked already", async () => {
    const { emulator: akahu, app } = context;
    const gone = person(107, 'Already', 'Gone');
    const { browser, userId } = await signIn(gone);
    akahu.revokeAccess(gone);
    expect(await disconnectThrough(browser, 'akahu')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(await app.runtime.tokenStore.findToken(userId, 'akahu')).toBeUndefined();
  });

  it('/v1/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, AKAHU, person(110, 'Outage', 'Profile'), (akahu) => akahu.failNextProfile(500));
  });

  standardCases(() => context, AKAHU, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(AKAHU, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the akahu preset in production', () => {
  it('with the client alone, signs in at oauth.akahu.io, exchanges and revokes at api.akahu.io/v1/token and calls the API there, asking ENDURING_CONSENT', () => {
    const { settings } = presetInProduction('akahu', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    expect(settings({})).toMatchObject({
      displayName: 'Akahu',
      endpoints: {
        authorizationEndpoint: 'https://oauth.akahu.io/',
        tokenEndpoint: 'https://api.akahu.io/v1/token',
        userinfoEndpoint: 'https://api.akahu.io/v1/me',
        revocationEndpoint: 'https://api.akahu.io/v1/token',
      },
      scope: 'ENDURING_CONSENT',
      apiBaseUrl: 'https://api.akahu.io/v1',
      tokenEndpointAuthMethod: 'client_secret_post',
      clientIdHeader: 'x-akahu-id',
      pkce: false,
      subjectClaim: 'id',
    });
  });
});
