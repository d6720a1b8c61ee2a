import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, rowCounts, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { TARA_ACCESS_TOKEN_SECONDS, startTaraEmulator, type TaraEmulator, type TaraUser } from './tara.emulator.js';

// A client id of the kind an institution proposes to RIA, and a secret RIA issues.
const CLIENT_ID = 'eteenus-asutus-ee';
const CLIENT_SECRET = 'Vq3zX8kL2mN7pR4tW9yB6cF1hJ5sD0gA';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/tara/callback`;

function person(n: number, givenName: string, familyName: string): TaraUser {
  return { sub: `EE6000101${String(n).padStart(4, '0')}`, givenName, familyName, dateOfBirth: '2000-01-01', amr: 'smartid' };
}

/** The documented variable for the test service, `<NAME>_BASE_URL`, pointed at the emulator. */
function taraEnv(tara: TaraEmulator): Record<string, string> {
  return presetEnv('tara', CLIENT_ID, CLIENT_SECRET, { TARA_BASE_URL: tara.origin });
}

const TARA: StandardProvider<TaraUser, TaraEmulator> = {
  preset: 'tara',
  displayName: 'TARA',
  startEmulator: () => startTaraEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: taraEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.sub,
};

const profile = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/tara/proxy/profile`);

describeEachDialect('TARA, against an emulator of the Estonian authentication service', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), TARA);
  const signIn = (user: TaraUser) => signInAs(context, 'tara', user);

  it('signs in through discovery as the sub (EE and the personal identification code), named from /oidc/profile; openid alone, no PKCE, the client as plain Basic only, a 40-second token and no refresh token', async () => {
    const { database, emulator: tara, app } = context;
    const mary = { ...person(101, 'MARY ÄNN', 'O’CONNEŽ-ŠUSLIK TESTNUMBER'), amr: 'mID' };
    const { userId, request } = await signIn(mary);
    expect(Object.fromEntries(request)).toMatchObject({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope: 'openid' });
    expect(request.get('state')!.length).toBeGreaterThanOrEqual(8);
    expect(request.has('code_challenge')).toBe(false);
    expect(request.has('acr_values')).toBe(false);
    expect(tara.server.requests.some((r) => r.path === '/.well-known/openid-configuration')).toBe(true);
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ issuer: tara.issuer, subject: mary.sub });
    expect(JSON.parse(account.claims)).toMatchObject({
      sub: mary.sub,
      given_name: 'MARY ÄNN',
      family_name: 'O’CONNEŽ-ŠUSLIK TESTNUMBER',
      date_of_birth: '2000-01-01',
      birthdate: '2000-01-01',
      amr: ['mID'],
      acr: 'high',
      profile_attributes: { given_name: 'MARY ÄNN' },
    });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, name: 'MARY ÄNN O’CONNEŽ-ŠUSLIK TESTNUMBER' });
    const token = await app.runtime.tokenStore.findToken(userId, 'tara');
    expect(token).toMatchObject({ refreshToken: null });
    expectAccessTokenLifetime(token, TARA_ACCESS_TOKEN_SECONDS - 15, TARA_ACCESS_TOKEN_SECONDS);
    const exchange = tara.server.requests.findLast((r) => r.path === '/oidc/token')!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    const form = tara.tokenForms.at(-1)!;
    expect(Object.fromEntries(form)).toMatchObject({ grant_type: 'authorization_code', redirect_uri: REDIRECT_URI });
    expect(form.has('client_secret')).toBe(false);
    expect(form.has('code_verifier')).toBe(false);
    expect(tara.server.requests.findLast((r) => r.path === '/oidc/profile')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('a foreigner through eIDAS is their country code and eIDAS identifier, another account than any Estonian', async () => {
    const { database } = context;
    const jean: TaraUser = { sub: 'BE-BE-8510123456789', givenName: 'Jean', familyName: 'Dupont', dateOfBirth: '1985-10-12', amr: 'eIDAS' };
    const { userId } = await signIn(jean);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(jean.sub);
    expect(JSON.parse(account.claims)).toMatchObject({ amr: ['eIDAS'], acr: 'substantial', birthdate: '1985-10-12' });
  });

  it('signing in again, by another method, finds the same person by the sub', async () => {
    const first = await signIn(person(105, 'Karl', 'Tamm'));
    const again = await signIn({ ...person(105, 'Karl', 'Tamm'), amr: 'idcard' });
    expect(again.userId).toBe(first.userId);
  });

  it('the proxy reaches /oidc/profile under the issuer with the token', async () => {
    const { browser } = await signIn(person(102, 'Mari', 'Maasikas'));
    const answer = await profile(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ sub: person(102, 'Mari', 'Maasikas').sub, given_name: 'Mari', family_name: 'Maasikas', amr: ['smartid'] });
  });

  it('once the 40-second token has ended, a call answers needs_reauth without asking TARA for anything; TARA refuses a refresh grant anyway', async () => {
    const { database, emulator: tara, app } = context;
    const { browser, userId } = await signIn(person(103, 'Jaan', 'Kask'));
    await expireAccessTokens(database, userId);
    const tokenRequests = tara.server.counts.token_request ?? 0;
    const userinfoCalls = tara.server.counts.userinfo ?? 0;
    const answer = await profile(browser);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'needs_reauth' });
    expect(tara.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect(tara.server.counts.userinfo ?? 0).toBe(userinfoCalls);
    expect((await app.runtime.tokenStore.findToken(userId, 'tara'))!.status).toBe('needs_reauth');
    const refresh = await fetch(`${tara.issuer}/oidc/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'any' }),
    });
    expect(await statusAndBody(refresh)).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
  });

  it("a token TARA no longer takes (its 401 with WWW-Authenticate) marks the connection needs re-auth, with no refresh to try", async () => {
    const { emulator: tara, app } = context;
    const leaving = person(104, 'Tiit', 'Tamm');
    const { browser, userId } = await signIn(leaving);
    tara.endSessionOf(leaving);
    const answer = await profile(browser);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'needs_reauth' });
    expect((await app.runtime.tokenStore.findToken(userId, 'tara'))!.status).toBe('needs_reauth');
  });

  it('disconnect asks TARA nothing (it has no revocation) and deletes the stored token', async () => {
    const { emulator: tara, app } = context;
    const signedIn = await signIn(person(106, 'Kadri', 'Kuusk'));
    const stored = (await app.runtime.tokenStore.findToken(signedIn.userId, 'tara'))!;
    await expectDisconnectAsksNothing(context, 'tara', signedIn);
    expect(tara.accepts(stored.accessToken)).toBe(true);
  });

  it("a person who turns back at TARA (user_cancel, TARA's own code for it) is told the sign-in was cancelled, no code is exchanged, and nothing is stored", async () => {
    const { database, emulator: tara, app } = context;
    const before = await rowCounts(database);
    const exchanges = tara.server.counts.authorization_code ?? 0;
    tara.signInAs(person(107, 'Peeter', 'Pärn'));
    tara.denyNextAuthorization();
    const page = await signInThrough(app.browser(), 'tara');
    expect(page.status).toBe(400);
    expect(page.text).toContain('Sign-in with TARA was cancelled.');
    expect(tara.server.counts.authorization_code ?? 0).toBe(exchanges);
    expect(await rowCounts(database)).toEqual(before);
  });

  it('TARA refuses what its specification does not allow: a scope it does not name, a sign-in without openid, the client in the form or form-encoded in Basic', async () => {
    const { emulator: tara } = context;
    const authorize = async (scope: string) => {
      const query = new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', scope, state: 'hkMVY7vjuN7xyLl5' });
      const response = await fetch(`${tara.issuer}/oidc/authorize?${query}`, { redirect: 'manual' });
      return new URL(response.headers.get('location')!).searchParams.get('error');
    };
    expect(await authorize('openid profile')).toBe('invalid_scope');
    expect(await authorize('idcard')).toBe('invalid_scope');
    expect(await authorize('openid idcard mid')).toBeNull();
    const inForm = await fetch(`${tara.issuer}/oidc/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'any', redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
    });
    expect(await statusAndBody(inForm)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    // RFC 6749 §2.3.1's form-encoding first turns the id's hyphens into %2D: not the pair TARA's example encodes.
    const formEncodedBasic = await fetch(`${tara.issuer}/oidc/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('eteenus%2Dasutus%2Dee:' + CLIENT_SECRET).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'any', redirect_uri: REDIRECT_URI }),
    });
    expect(await statusAndBody(formEncodedBasic)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('/oidc/profile failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, TARA, person(110, 'Outage', 'Profile'), (tara) => tara.failNextUserinfo(500));
  });

  standardCases(() => context, TARA, { refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(TARA, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the tara preset in production', () => {
  const { settings } = presetInProduction('tara', CLIENT);

  it('discovers tara.ria.ee, or the test service by TARA_BASE_URL, with openid alone by plain Basic and no PKCE', () => {
    expect(settings({})).toMatchObject({
      displayName: 'TARA',
      discovery: { issuer: 'https://tara.ria.ee' },
      scope: 'openid',
      pkce: false,
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      apiBaseUrl: 'https://tara.ria.ee/oidc',
    });
    expect(settings({ TARA_BASE_URL: 'https://tara-test.ria.ee' })).toMatchObject({
      discovery: { issuer: 'https://tara-test.ria.ee' },
      apiBaseUrl: 'https://tara-test.ria.ee/oidc',
    });
    expect(settings({ TARA_SCOPE: 'openid idcard mid' })).toMatchObject({ scope: 'openid idcard mid' });
  });
});
