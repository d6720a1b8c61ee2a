import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { FRANCECONNECT_ACCESS_TOKEN_SECONDS, startFranceConnectEmulator, type FranceConnectEmulator, type FranceConnectUser } from './franceconnect.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind FranceConnect gives a service provider (64 hexadecimal digits each).
const CLIENT_ID = '211286433e39cce01db448d80181bdfd005554b19cd51b3fe7943f6b3b86ab6e';
const CLIENT_SECRET = '2791a731e6a59f56b6b4dd0d08c9b1f593b5f3658b9fd731cb24248e2669af4b';
const REDIRECT_URI = `${APP_ORIGIN}/auth/franceconnect/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: number, givenName: string, familyName: string): FranceConnectUser {
  return { sub: `b6048e95bb134ec5b1d1e1fa69f287172e91722b9354d637a1bcf2ebb0fd2e${String(id).padStart(4, '0')}v1`, givenName, familyName: familyName.toUpperCase(), email: `${givenName.toLowerCase()}.${familyName.toLowerCase()}@example.fr` };
}

/** Only the documented variables: the preset, the client, and FRANCECONNECT_BASE_URL (as for the integration environment). */
function franceconnectEnv(franceconnect: FranceConnectEmulator): Record<string, string> {
  return presetEnv('franceconnect', CLIENT_ID, CLIENT_SECRET, { FRANCECONNECT_BASE_URL: franceconnect.origin });
}

const FRANCECONNECT: StandardProvider<FranceConnectUser, FranceConnectEmulator> = {
  preset: 'franceconnect',
  displayName: 'FranceConnect',
  startEmulator: () => startFranceConnectEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: franceconnectEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.sub,
};

const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/franceconnect/proxy/userinfo`);

describeEachDialect('FranceConnect, against an emulator of FranceConnect v2', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), FRANCECONNECT);

  const signIn = (user: FranceConnectUser) => signInAs(context, 'franceconnect', user);

  it('signs in through discovery as the sub of the signed userinfo, with the names and an unverified e-mail; acr_values=eidas1, 32-character state and nonce, no PKCE, the client in the form, a 60-second token and no refresh token', async () => {
    const { database, emulator: franceconnect, app } = context;
    const marie = person(101, 'Marie', 'Curie');
    const { userId, request } = await signIn(marie);
    expect(Object.fromEntries(request)).toMatchObject({ scope: 'openid given_name family_name email', acr_values: 'eidas1', response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI });
    expect(request.get('state')!.length).toBeGreaterThanOrEqual(32);
    expect(request.get('nonce')!.length).toBeGreaterThanOrEqual(32);
    expect(request.has('code_challenge')).toBe(false);
    expect(franceconnect.server.requests.some((r) => r.path === '/api/v2/.well-known/openid-configuration')).toBe(true);
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ issuer: franceconnect.issuer, subject: marie.sub });
    expect(JSON.parse(account.claims)).toMatchObject({ sub: marie.sub, given_name: 'Marie', family_name: 'CURIE', email: marie.email });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: marie.email, name: 'Marie CURIE' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'franceconnect');
    expect(token).toMatchObject({ refreshToken: null });
    expectAccessTokenLifetime(token, FRANCECONNECT_ACCESS_TOKEN_SECONDS - 30, FRANCECONNECT_ACCESS_TOKEN_SECONDS);
    const exchange = franceconnect.server.requests.findLast((r) => r.path === '/api/v2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(franceconnect.server.requests.findLast((r) => r.path === '/api/v2/userinfo')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again finds the same person by the sub, whatever the e-mail became', async () => {
    const { database } = context;
    const first = await signIn(person(105, 'Louis', 'Pasteur'));
    const second = await signIn({ ...person(105, 'Louis', 'Pasteur'), email: 'l.pasteur@example.net' });
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('accounts').select('id').where('provider', '=', 'franceconnect').where('subject', '=', person(105, 'Louis', 'Pasteur').sub).execute()).toHaveLength(1);
  });

  it('the proxy reads userinfo again: the signed JWT, ES256, with the sub, the issuer and the client as audience', async () => {
    const { emulator: franceconnect } = context;
    const simone = person(102, 'Simone', 'Veil');
    const { browser } = await signIn(simone);
    const answer = await userinfo(browser);
    expect(answer.status).toBe(200);
    expect(decodeProtectedHeader(answer.text).alg).toBe('ES256');
    expect(decodeJwt(answer.text)).toMatchObject({ sub: simone.sub, iss: franceconnect.issuer, aud: CLIENT_ID, given_name: 'Simone', family_name: 'VEIL' });
  });

  it('a userinfo answer signed with a key FranceConnect does not publish is refused as a 502, and nothing is stored', async () => {
    const { emulator: franceconnect, database, app } = context;
    const forged = person(106, 'Forged', 'Answer');
    franceconnect.signInAs(forged);
    franceconnect.failNextUserinfo('forged');
    const page = await signInThrough(app.browser(), 'franceconnect');
    expect(page.status).toBe(502);
    expect(await database.db.selectFrom('accounts').select('id').where('subject', '=', forged.sub).execute()).toHaveLength(0);
  });

  it('once the 60-second token has ended, a call answers needs_reauth without asking FranceConnect for anything', async () => {
    const { database, emulator: franceconnect, app } = context;
    const { browser, userId } = await signIn(person(103, 'Victor', 'Hugo'));
    await expireAccessTokens(database, userId);
    const tokenRequests = franceconnect.server.counts.token_request ?? 0;
    const userinfoCalls = franceconnect.server.counts.userinfo ?? 0;
    const answer = await userinfo(browser);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'needs_reauth' });
    expect(franceconnect.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect(franceconnect.server.counts.userinfo ?? 0).toBe(userinfoCalls);
    expect((await app.runtime.tokenStore.findToken(userId, 'franceconnect'))!.status).toBe('needs_reauth');
  });

  it('a token FranceConnect no longer takes (its 401) marks the connection needs re-auth, with no refresh to try', async () => {
    const { emulator: franceconnect, app } = context;
    const leaving = person(104, 'Olympe', 'Gouges');
    const { browser, userId } = await signIn(leaving);
    franceconnect.endSessionOf(leaving);
    const answer = await userinfo(browser);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'needs_reauth' });
    expect((await app.runtime.tokenStore.findToken(userId, 'franceconnect'))!.status).toBe('needs_reauth');
  });

  it('disconnect asks FranceConnect nothing (it has no revocation) and deletes the stored token', async () => {
    const { emulator: franceconnect, app } = context;
    const signedIn = await signIn(person(107, 'Jean', 'Moulin'));
    const stored = (await app.runtime.tokenStore.findToken(signedIn.userId, 'franceconnect'))!;
    await expectDisconnectAsksNothing(context, 'franceconnect', signedIn);
    expect(franceconnect.accepts(stored.accessToken)).toBe(true);
  });

  it('userinfo failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, FRANCECONNECT, person(110, 'Outage', 'Profile'), (franceconnect) => franceconnect.failNextUserinfo(500));
  });

  standardCases(() => context, FRANCECONNECT, { cancelled: { sentAs: 'access_denied, "User auth aborted"' }, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(FRANCECONNECT, { wrongSecret: { sentAs: '400 invalid_client' }, exchangeFailure: {} });

describe('FranceConnect in production', () => {
  it('with the client alone, discovers oidc.franceconnect.gouv.fr/api/v2, asks eidas1 without PKCE, sends the client in the form and calls userinfo under /api/v2', () => {
    const { settings } = presetInProduction('franceconnect', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'FranceConnect',
      discovery: { issuer: 'https://oidc.franceconnect.gouv.fr/api/v2' },
      scope: 'openid given_name family_name email',
      authorizationParams: { acr_values: 'eidas1' },
      pkce: false,
      tokenEndpointAuthMethod: 'client_secret_post',
      apiBaseUrl: 'https://oidc.franceconnect.gouv.fr/api/v2',
    });
    expect(settings({ FRANCECONNECT_BASE_URL: 'https://fcp-low.integ01.dev-franceconnect.fr/' })).toMatchObject({
      discovery: { issuer: 'https://fcp-low.integ01.dev-franceconnect.fr/api/v2' },
    });
  });
});
