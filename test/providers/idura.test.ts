import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { IDURA_ACCESS_TOKEN_SECONDS, startIduraEmulator, type IduraEmulator, type IduraUser } from './idura.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A Client ID in the format Idura's dashboard suggests (its colons are form-encoded in Basic), and a secret of the
// OAuth2 Code Flow with characters form-encoding changes too.
const CLIENT_ID = 'urn:my:application:identifier:6765';
const CLIENT_SECRET = 'q8Vt+3nLw/7RkZp2Xc5JhYb0Gm4DsFa9Ue1Ni6Ko=';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/idura/callback`;
const MITID = 'urn:grn:authn:dk:mitid:substantial';

function person(n: number, givenName: string, familyName: string): IduraUser {
  return { sub: `{0f9960a0-d28d-4353-a3e2-ea07f8ff${String(n).padStart(4, '0')}}`, acrValue: MITID, givenName, familyName };
}

/** The documented variables: the Idura domain the preset needs, and the issuer pointed at the emulator. */
function iduraEnv(idura: IduraEmulator): Record<string, string> {
  return presetEnv('idura', CLIENT_ID, CLIENT_SECRET, { IDURA_DOMAIN: 'acme-corp-test.idura.broker', IDURA_ISSUER: idura.issuer, IDURA_API_BASE_URL: idura.issuer });
}

const IDURA: StandardProvider<IduraUser, IduraEmulator> = {
  preset: 'idura',
  displayName: 'Idura Verify',
  startEmulator: () => startIduraEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: iduraEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.sub,
};

const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/idura/proxy/oauth2/userinfo`);

/** RFC 6749 §2.3.1's encoding of an id or secret before Basic: application/x-www-form-urlencoded. */
const formEncoded = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);

describeEachDialect('Idura Verify, against an emulator of an Idura Verify domain', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), IDURA);

  const signIn = (user: IduraUser) => signInAs(context, 'idura', user);

  it('signs in through discovery at the domain as the sub, with the names and no e-mail; openid alone, PKCE S256, no acr_values (the person picks the eID), the client by Basic form-encoded, a 120-second token and no refresh token', async () => {
    const { database, emulator: idura, app } = context;
    const ditlev = person(101, 'Ditlev', 'Testesen');
    const { userId, request } = await signIn(ditlev);
    expect(Object.fromEntries(request)).toMatchObject({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge_method: 'S256' });
    expect(request.has('acr_values')).toBe(false);
    expect(idura.server.requests.some((r) => r.path === '/.well-known/openid-configuration')).toBe(true);
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ issuer: idura.issuer, subject: ditlev.sub });
    expect(JSON.parse(account.claims)).toMatchObject({ sub: ditlev.sub, identityscheme: 'dkmitid', given_name: 'Ditlev', family_name: 'Testesen' });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, name: 'Ditlev Testesen' });
    const token = await app.runtime.tokenStore.findToken(userId, 'idura');
    expect(token).toMatchObject({ refreshToken: null });
    expectAccessTokenLifetime(token, IDURA_ACCESS_TOKEN_SECONDS - 30, IDURA_ACCESS_TOKEN_SECONDS);
    const exchange = idura.server.requests.findLast((r) => r.path === '/oauth2/token')!;
    expect(Buffer.from(exchange.headers.authorization!.replace(/^Basic /, ''), 'base64').toString('utf8')).toBe(`${formEncoded(CLIENT_ID)}:${formEncoded(CLIENT_SECRET)}`);
    expect(formEncoded(CLIENT_ID)).toBe('urn%3Amy%3Aapplication%3Aidentifier%3A6765');
    expect(idura.server.counts.client_secret_post).toBeUndefined();
    expect(idura.server.requests.findLast((r) => r.path === '/oauth2/userinfo')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('Idura refuses Basic with the id and secret as they are: the urn id has colons of its own', async () => {
    const { emulator: idura } = context;
    const response = await fetch(`${idura.issuer}/oauth2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'any', redirect_uri: REDIRECT_URI }),
    });
    expect(await statusAndBody(response)).toEqual({ status: 400, body: { error: 'invalid_client' } });
  });

  it('signing in again finds the same person by the sub', async () => {
    const first = await signIn(person(105, 'Karen', 'Blixen'));
    const again = await signIn(person(105, 'Karen', 'Blixen'));
    expect(again.userId).toBe(first.userId);
  });

  it('the proxy reaches /oauth2/userinfo under the issuer with the token, its plain JSON', async () => {
    const { browser } = await signIn(person(102, 'Niels', 'Bohr'));
    const answer = await userinfo(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ sub: person(102, 'Niels', 'Bohr').sub, authenticationtype: MITID, name: 'Niels Bohr' });
  });

  it('once the 120-second token has ended, a call answers needs_reauth without asking Idura for anything; Idura refuses a refresh grant anyway', async () => {
    const { database, emulator: idura, app } = context;
    const { browser, userId } = await signIn(person(103, 'Hans', 'Andersen'));
    await expireAccessTokens(database, userId);
    const tokenRequests = idura.server.counts.token_request ?? 0;
    const userinfoCalls = idura.server.counts.userinfo ?? 0;
    const answer = await userinfo(browser);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'needs_reauth' });
    expect(idura.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect(idura.server.counts.userinfo ?? 0).toBe(userinfoCalls);
    expect((await app.runtime.tokenStore.findToken(userId, 'idura'))!.status).toBe('needs_reauth');
    expect(await statusAndBody(refreshAtProvider(`${idura.issuer}/oauth2/token`, CLIENT, 'any-refresh-token', { by: 'form' }))).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
  });

  it('a token Idura no longer takes (its 401) marks the connection needs re-auth, with no refresh to try', async () => {
    const { emulator: idura, app } = context;
    const leaving = person(104, 'Tycho', 'Brahe');
    const { browser, userId } = await signIn(leaving);
    idura.endSessionOf(leaving);
    const answer = await userinfo(browser);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'needs_reauth' });
    expect((await app.runtime.tokenStore.findToken(userId, 'idura'))!.status).toBe('needs_reauth');
  });

  it('disconnect asks Idura nothing (it documents no revocation) and deletes the stored token', async () => {
    const { emulator: idura, app } = context;
    const signedIn = await signIn(person(106, 'Ole', 'Rømer'));
    const stored = (await app.runtime.tokenStore.findToken(signedIn.userId, 'idura'))!;
    await expectDisconnectAsksNothing(context, 'idura', signedIn);
    expect(idura.accepts(stored.accessToken)).toBe(true);
  });

  it('a sign-in without openid is refused by Idura (the scope must always hold it)', async () => {
    const { emulator: idura } = context;
    const response = await fetch(`${idura.issuer}/oauth2/authorize?${new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'email', state: 's' })}`, { redirect: 'manual' });
    expect(new URL(response.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
  });

  it('userinfo failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, IDURA, person(110, 'Outage', 'Profile'), (idura) => idura.failNextUserinfo(500));
  });

  standardCases(() => context, IDURA, { cancelled: { sentAs: 'access_denied, "User cancelled login"' }, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(IDURA, { wrongSecret: { sentAs: '400 invalid_client' }, exchangeFailure: {} });

describe('the idura preset in production', () => {
  const { settings, refusal } = presetInProduction('idura', CLIENT);

  it("takes the Idura domain for the issuer and the API, openid alone by Basic, an eID picked by <NAME>_AUTHORIZATION_PARAMS, and needs the domain", () => {
    expect(settings({ IDURA_DOMAIN: 'acme-corp.idura.broker' })).toMatchObject({
      displayName: 'Idura Verify',
      discovery: { issuer: 'https://acme-corp.idura.broker' },
      scope: 'openid',
      apiBaseUrl: 'https://acme-corp.idura.broker',
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
    expect(settings({ IDURA_DOMAIN: 'login.acme.dk', IDURA_AUTHORIZATION_PARAMS: `acr_values=${MITID}` })).toMatchObject({
      discovery: { issuer: 'https://login.acme.dk' },
      authorizationParams: { acr_values: MITID },
    });
    expect(refusal({})).toContain('IDURA_DOMAIN is missing');
    expect(refusal({ IDURA_DOMAIN: 'https://acme-corp.idura.broker' })).toContain('IDURA_DOMAIN is not a valid domain');
  });
});
