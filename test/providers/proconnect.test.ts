import { createHash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { PROCONNECT_ACCESS_TOKEN_SECONDS, startProConnectEmulator, type ProConnectEmulator, type ProConnectUser } from './proconnect.emulator.js';

// A client id and secret of the kind ProConnect gives a service provider (64 hexadecimal digits each).
const CLIENT_ID = '6925fb8143c76eded44d32b40c0cb1006065f7f003de52712b78985704f39950';
const CLIENT_SECRET = '3a9c5d1e7f2b4a6c8e0d2f4a6b8c0e2d4f6a8b0c2e4d6f8a0b2c4e6d8f0a2b4c';
const REDIRECT_URI = `${APP_ORIGIN}/auth/proconnect/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
// ProConnect Identité's and another identity provider's ids.
const PROCONNECT_IDENTITE = '71144ab3-ee1a-4401-b7b3-79b44f7daeeb';
const MINISTRY_IDP = 'c8a0f3e2-5b7d-4e19-9a6c-2d4f8b1e0a37';

function person(id: number, givenName: string, usualName: string, idpId = PROCONNECT_IDENTITE): ProConnectUser {
  return {
    // 64 hexadecimal digits, as in the documentation's example, one for each person at each identity provider.
    sub: createHash('sha256').update(`${idpId}:${id}`).digest('hex'),
    idpId,
    uid: String(4000 + id),
    givenName,
    usualName: usualName.toUpperCase(),
    email: `${givenName.toLowerCase()}.${usualName.toLowerCase()}@example.gouv.fr`,
    siret: '21340126800130',
  };
}

/** Only the documented variables: the preset, the client, and PROCONNECT_BASE_URL (as for the integration environment). */
function proconnectEnv(proconnect: ProConnectEmulator): Record<string, string> {
  return presetEnv('proconnect', CLIENT_ID, CLIENT_SECRET, { PROCONNECT_BASE_URL: proconnect.origin });
}

const PROCONNECT: StandardProvider<ProConnectUser, ProConnectEmulator> = {
  preset: 'proconnect',
  displayName: 'ProConnect',
  startEmulator: () => startProConnectEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: proconnectEnv,
  people: standardPeopleByNameParts((id, givenName, familyName) => person(id, givenName, familyName)),
  subjectOf: (user) => user.sub,
};

const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/proconnect/proxy/userinfo`);

describeEachDialect('ProConnect, against an emulator of ProConnect', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), PROCONNECT);

  const signIn = (user: ProConnectUser) => signInAs(context, 'proconnect', user);

  it('signs in through discovery as the sub of the signed userinfo, named by given_name and usual_name, with an unverified e-mail; only the documented parameters (no acr_values, no PKCE), 32-character state and nonce, the client in the form, a 60-second token and no refresh token', async () => {
    const { database, emulator: proconnect, app } = context;
    const angela = person(1, 'Angela Claire', 'Dubois');
    const { userId, request } = await signIn(angela);
    expect(Object.fromEntries(request)).toMatchObject({ scope: 'openid given_name usual_name email', response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI });
    expect([...request.keys()].sort()).toEqual(['client_id', 'nonce', 'redirect_uri', 'response_type', 'scope', 'state']);
    expect(request.get('state')!.length).toBeGreaterThanOrEqual(32);
    expect(request.get('nonce')!.length).toBeGreaterThanOrEqual(32);
    expect(proconnect.server.requests.some((r) => r.path === '/api/v2/.well-known/openid-configuration')).toBe(true);
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ issuer: proconnect.issuer, subject: angela.sub });
    expect(JSON.parse(account.claims)).toMatchObject({ sub: angela.sub, given_name: 'Angela Claire', usual_name: 'DUBOIS', family_name: 'DUBOIS', email: angela.email, acr: 'eidas1' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: angela.email, name: 'Angela Claire DUBOIS' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'proconnect');
    expect(token).toMatchObject({ refreshToken: null });
    expectAccessTokenLifetime(token, PROCONNECT_ACCESS_TOKEN_SECONDS - 30, PROCONNECT_ACCESS_TOKEN_SECONDS);
    const exchange = proconnect.server.requests.findLast((r) => r.path === '/api/v2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(proconnect.server.requests.findLast((r) => r.path === '/api/v2/userinfo')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again finds the same person by the sub, whatever the e-mail became; through another identity provider (another sub) it is another account', async () => {
    const { database } = context;
    const first = await signIn(person(5, 'Louise', 'Michel'));
    const second = await signIn({ ...person(5, 'Louise', 'Michel'), email: 'l.michel@example.gouv.fr' });
    expect(second.userId).toBe(first.userId);
    const elsewhere = person(5, 'Louise', 'Michel', MINISTRY_IDP);
    expect(elsewhere.sub).not.toBe(person(5, 'Louise', 'Michel').sub);
    await signIn({ ...elsewhere, email: 'louise.michel@interieur.example.gouv.fr' });
    expect(await database.db.selectFrom('accounts').select('subject').where('provider', '=', 'proconnect').where('subject', 'in', [person(5, 'Louise', 'Michel').sub, elsewhere.sub]).execute()).toHaveLength(2);
  });

  it('the proxy reads userinfo again: the signed JWT, RS256, with the sub, the issuer and the client as audience', async () => {
    const { emulator: proconnect } = context;
    const simone = person(2, 'Simone', 'Weil');
    const { browser } = await signIn(simone);
    const answer = await userinfo(browser);
    expect(answer.status).toBe(200);
    expect(decodeProtectedHeader(answer.text).alg).toBe('RS256');
    expect(decodeJwt(answer.text)).toMatchObject({ sub: simone.sub, iss: proconnect.issuer, aud: CLIENT_ID, given_name: 'Simone', usual_name: 'WEIL' });
  });

  it('a userinfo answer signed with a key ProConnect does not publish is refused as a 502, and nothing is stored', async () => {
    const { emulator: proconnect, database, app } = context;
    const forged = person(6, 'Forged', 'Answer');
    proconnect.signInAs(forged);
    proconnect.failNextUserinfo('forged');
    const page = await signInThrough(app.browser(), 'proconnect');
    expect(page.status).toBe(502);
    expect(await database.db.selectFrom('accounts').select('id').where('subject', '=', forged.sub).execute()).toHaveLength(0);
  });

  it('once the 60-second token has ended, a call answers needs_reauth without asking ProConnect for anything', async () => {
    const { database, emulator: proconnect, app } = context;
    const { browser, userId } = await signIn(person(3, 'Victor', 'Schoelcher'));
    await expireAccessTokens(database, userId);
    const tokenRequests = proconnect.server.counts.token_request ?? 0;
    const userinfoCalls = proconnect.server.counts.userinfo ?? 0;
    const answer = await userinfo(browser);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'needs_reauth' });
    expect(proconnect.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect(proconnect.server.counts.userinfo ?? 0).toBe(userinfoCalls);
    expect((await app.runtime.tokenStore.findToken(userId, 'proconnect'))!.status).toBe('needs_reauth');
  });

  it('a token ProConnect no longer takes (its 401) marks the connection needs re-auth, with no refresh to try', async () => {
    const { emulator: proconnect, app } = context;
    const leaving = person(4, 'Olympe', 'Gouges');
    const { browser, userId } = await signIn(leaving);
    proconnect.endSessionOf(leaving);
    const answer = await userinfo(browser);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'needs_reauth' });
    expect((await app.runtime.tokenStore.findToken(userId, 'proconnect'))!.status).toBe('needs_reauth');
  });

  it('disconnect asks ProConnect nothing (it has no revocation) and deletes the stored token', async () => {
    const { emulator: proconnect, app } = context;
    const signedIn = await signIn(person(7, 'Jean', 'Zay'));
    const stored = (await app.runtime.tokenStore.findToken(signedIn.userId, 'proconnect'))!;
    await expectDisconnectAsksNothing(context, 'proconnect', signedIn);
    expect(proconnect.accepts(stored.accessToken)).toBe(true);
  });

  it('userinfo failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, PROCONNECT, person(10, 'Outage', 'Profile'), (proconnect) => proconnect.failNextUserinfo(500));
  });

  standardCases(() => context, PROCONNECT, { cancelled: { sentAs: 'access_denied, "User auth aborted"' }, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('ProConnect with more scopes asked', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    ...PROCONNECT,
    env: (proconnect) => ({ ...proconnectEnv(proconnect), PROCONNECT_SCOPE: 'openid given_name usual_name email uid siret idp_id' }),
  });

  it('PROCONNECT_SCOPE asks for the SIRET and the identity provider, kept with the claims; the subject stays the sub, not the uid', async () => {
    const { database } = context;
    const marie = person(8, 'Marie', 'Marvingt', MINISTRY_IDP);
    const { userId, request } = await signInAs(context, 'proconnect', marie);
    expect(request.get('scope')).toBe('openid given_name usual_name email uid siret idp_id');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(marie.sub);
    expect(JSON.parse(account.claims)).toMatchObject({ uid: marie.uid, siret: '21340126800130', idp_id: MINISTRY_IDP });
  });

  it('a scope ProConnect does not know comes back "requested scope is not allowed" and signs no one in', async () => {
    const { emulator: proconnect } = context;
    const response = await fetch(`${proconnect.issuer}/authorize?${new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope: 'openid profile', state: 's'.repeat(32), nonce: 'n'.repeat(32) })}`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get('location')!).searchParams.get('error_description')).toBe('requested scope is not allowed');
  });

  it('any parameter beyond the documented ones (acr_values, a PKCE challenge) is the Y000400 error page', async () => {
    const { emulator: proconnect } = context;
    const base = { response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope: 'openid', state: 's'.repeat(32), nonce: 'n'.repeat(32) };
    const extras: Record<string, string>[] = [{ acr_values: 'eidas1' }, { code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }];
    for (const extra of extras) {
      const response = await fetch(`${proconnect.issuer}/authorize?${new URLSearchParams({ ...base, ...extra })}`, { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('Y000400');
    }
  });
});

describeClientFailures(PROCONNECT, { wrongSecret: { sentAs: '400 invalid_client' }, exchangeFailure: {} });

describe('ProConnect in production', () => {
  it('with the client alone, discovers auth.agentconnect.gouv.fr/api/v2, asks without acr_values or PKCE, sends the client in the form and calls userinfo under /api/v2', () => {
    const { settings } = presetInProduction('proconnect', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'ProConnect',
      discovery: { issuer: 'https://auth.agentconnect.gouv.fr/api/v2' },
      scope: 'openid given_name usual_name email',
      pkce: false,
      tokenEndpointAuthMethod: 'client_secret_post',
      apiBaseUrl: 'https://auth.agentconnect.gouv.fr/api/v2',
    });
    expect(settings({ PROCONNECT_BASE_URL: 'https://fca.integ01.dev-agentconnect.fr/' })).toMatchObject({
      discovery: { issuer: 'https://fca.integ01.dev-agentconnect.fr/api/v2' },
    });
  });
});
