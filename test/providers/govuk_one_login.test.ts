import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { providerSettings } from '../../src/config/provider-config.js';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { GOVUK_ONE_LOGIN_ACCESS_TOKEN_SECONDS, startGovUkOneLoginEmulator, type GovUkOneLoginEmulator, type GovUkOneLoginUser } from './govuk_one_login.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { APP_ORIGIN, signInAs } from './kit/provider-app.js';
import { expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type ProviderUnderTest } from './kit/standard-cases.js';

// A client id of the kind GOV.UK One Login generates when a service is registered.
const CLIENT_ID = 'hOGkS2fnbAHmN8Vo5xqZrB1yT0c';
const REDIRECT_URI = `${APP_ORIGIN}/auth/govuk_one_login/callback`;

function person(id: number, name: string): GovUkOneLoginUser {
  const [givenName, familyName] = name.split(' ');
  return { sub: `urn:fdc:gov.uk:2022:VtcZjnU4Sif2oyJZola3OkN0e3Jeku1cIMN38r${String(id).padStart(6, '0')}`, email: `${givenName!.toLowerCase()}.${familyName!.toLowerCase()}@example.org`, phoneNumber: `+4479460${String(id).padStart(5, '0')}` };
}

const GOVUK: ProviderUnderTest<GovUkOneLoginUser, GovUkOneLoginEmulator> = {
  preset: 'govuk_one_login',
  displayName: 'GOV.UK One Login',
  people: standardPeople((id, name) => person(id, name)),
  subjectOf: (user) => user.sub,
};

describeEachDialect('GOV.UK One Login, against an emulator of its OpenID provider', (dialect) => {
  const clientKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-govuk-'));
    writeFileSync(join(folder, 'private_key.pem'), clientKey.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    writeFileSync(join(folder, 'other.pem'), generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  /** Only the documented variables: the preset, the client, its private key and GOVUK_ONE_LOGIN_BASE_URL (as for the integration environment). */
  const env = (emulator: GovUkOneLoginEmulator): Record<string, string> => ({
    OAUTH_PROVIDERS: 'govuk_one_login',
    GOVUK_ONE_LOGIN_PRESET: 'govuk_one_login',
    GOVUK_ONE_LOGIN_CLIENT_ID: CLIENT_ID,
    GOVUK_ONE_LOGIN_PRIVATE_KEY_FILE: join(folder, 'private_key.pem'),
    GOVUK_ONE_LOGIN_BASE_URL: emulator.origin,
  });

  const context = useProviderTest(
    () => dialect.openTestDatabase(),
    { startEmulator: () => startGovUkOneLoginEmulator({ clientId: CLIENT_ID, redirectUri: REDIRECT_URI, clientPublicKey: clientKey.publicKey }), env },
    // The app signing its assertions with a key whose public half the service's configuration does not hold.
    { misconfiguredEnv: () => ({ GOVUK_ONE_LOGIN_PRIVATE_KEY_FILE: join(folder, 'other.pem') }) },
  );

  const signIn = (user: GovUkOneLoginUser) => signInAs(context, 'govuk_one_login', user);
  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/govuk_one_login/proxy/userinfo`);

  it('signs in through discovery as the sub, with its verified e-mail; openid email, vtr ["Cl.Cm"], a nonce and S256 PKCE; an RS256 assertion for /token, an ES256 ID token, a 180-second token and no refresh token', async () => {
    const { database, emulator: govuk, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(Object.fromEntries(request)).toMatchObject({ scope: 'openid email', vtr: '["Cl.Cm"]', response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, code_challenge_method: 'S256' });
    expect(request.get('nonce')).toEqual(expect.any(String));
    expect(govuk.server.requests.some((r) => r.path === '/.well-known/openid-configuration')).toBe(true);
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ issuer: govuk.issuer, subject: ada.sub });
    expect(JSON.parse(account.claims)).toMatchObject({ sub: ada.sub, email: ada.email, email_verified: true });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe(ada.email);
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'govuk_one_login');
    expect(token).toMatchObject({ refreshToken: null });
    expectAccessTokenLifetime(token, GOVUK_ONE_LOGIN_ACCESS_TOKEN_SECONDS - 100, GOVUK_ONE_LOGIN_ACCESS_TOKEN_SECONDS);

    const exchange = govuk.server.requests.findLast((r) => r.path === '/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['user-agent']).toMatch(/\S/);
    const assertion = govuk.lastClientAssertion();
    expect(decodeProtectedHeader(assertion).alg).toBe('RS256');
    expect(decodeJwt(assertion)).toMatchObject({ iss: CLIENT_ID, sub: CLIENT_ID, aud: `${govuk.origin}/token`, jti: expect.any(String), exp: expect.any(Number) });
  });

  it('signing in again finds the same person by the sub, whatever the e-mail became', async () => {
    const { database } = context;
    const first = await signIn(person(105, 'Alan Turing'));
    const second = await signIn({ ...person(105, 'Alan Turing'), email: 'a.turing@example.net' });
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('accounts').select('id').where('provider', '=', 'govuk_one_login').where('subject', '=', person(105, 'Alan Turing').sub).execute()).toHaveLength(1);
  });

  it('the proxy reads /userinfo again with the token as Bearer and a User-Agent', async () => {
    const { emulator: govuk } = context;
    const edsger = person(102, 'Edsger Dijkstra');
    const { browser } = await signIn(edsger);
    const answer = await userinfo(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ sub: edsger.sub, email: edsger.email, email_verified: true });
    const call = govuk.server.requests.findLast((r) => r.path === '/userinfo')!;
    expect(call.headers.authorization).toMatch(/^Bearer /);
    expect(call.headers['user-agent']).toMatch(/\S/);
  });

  it('without a User-Agent, /token and /userinfo are its 403; an assertion used twice is invalid_client', async () => {
    const { emulator: govuk } = context;
    expect((await fetch(`${govuk.origin}/userinfo`, { headers: { 'user-agent': '' } })).status).toBe(403);
    expect((await fetch(`${govuk.origin}/token`, { method: 'POST', headers: { 'user-agent': '' }, body: new URLSearchParams({ grant_type: 'authorization_code' }) })).status).toBe(403);
    const missing = await fetch(`${govuk.origin}/userinfo`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('error="invalid_token"');
    await signIn(person(106, 'Radia Perlman'));
    const replayed = await fetch(`${govuk.origin}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT_URI, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: govuk.lastClientAssertion() }),
    });
    expect(replayed.status).toBe(400);
    expect(await replayed.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('once the 180-second token has ended, 20 calls answer needs_reauth without asking GOV.UK One Login for anything, and the connection is marked', async () => {
    const { database, emulator: govuk, app } = context;
    const { browser, userId } = await signIn(person(103, 'Barbara Liskov'));
    await expireAccessTokens(database, userId);
    const tokenRequests = govuk.server.counts.token_request ?? 0;
    const userinfoCalls = govuk.server.counts.userinfo ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => userinfo(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(401));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ error: 'needs_reauth' });
    expect(govuk.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect(govuk.server.counts.userinfo ?? 0).toBe(userinfoCalls);
    expect((await app.runtime.tokenStore.findToken(userId, 'govuk_one_login'))!.status).toBe('needs_reauth');
  });

  it('a token GOV.UK One Login no longer takes (the person deleted their account: its 401 invalid_token) marks the connection needs re-auth, with no refresh to try', async () => {
    const { emulator: govuk, app } = context;
    const leaving = person(104, 'Frances Allen');
    const { browser, userId } = await signIn(leaving);
    govuk.deleteAccount(leaving);
    const tokenRequests = govuk.server.counts.token_request ?? 0;
    const call = await userinfo(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect(govuk.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect((await app.runtime.tokenStore.findToken(userId, 'govuk_one_login'))!.status).toBe('needs_reauth');
  });

  it('disconnect asks GOV.UK One Login nothing (it has no revocation) and deletes the stored token', async () => {
    const { emulator: govuk } = context;
    const signedIn = await signIn(person(107, 'Grace Hopper'));
    const stored = await context.app.runtime.tokenStore.findToken(signedIn.userId, 'govuk_one_login');
    await expectDisconnectAsksNothing(context, 'govuk_one_login', signedIn);
    expect(govuk.accepts(stored!.accessToken)).toBe(true);
  });

  standardCases(() => context, GOVUK, {
    cancelled: {},
    refusedCode: { sentAs: '400 invalid_grant' },
    wrongSecret: { sentAs: '400 invalid_client, an assertion signed with another key' },
    exchangeFailure: {},
  });
});

it('in production the preset is oidc.account.gov.uk, GOVUK_ONE_LOGIN_BASE_URL the integration environment; a client secret is refused and the private key is required', () => {
  const base = { GOVUK_ONE_LOGIN_PRESET: 'govuk_one_login', GOVUK_ONE_LOGIN_CLIENT_ID: CLIENT_ID };
  const folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-govuk-'));
  try {
    const keyFile = join(folder, 'private_key.pem');
    writeFileSync(keyFile, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
    expect(providerSettings({ ...base, GOVUK_ONE_LOGIN_PRIVATE_KEY_FILE: keyFile }, 'govuk_one_login', true)).toMatchObject({
      discovery: { issuer: 'https://oidc.account.gov.uk' },
      scope: 'openid email',
      authorizationParams: { vtr: '["Cl.Cm"]' },
      tokenEndpointAuthMethod: 'private_key_jwt',
      clientAssertionAudience: 'token_endpoint',
      apiBaseUrl: 'https://oidc.account.gov.uk',
    });
    expect(providerSettings({ ...base, GOVUK_ONE_LOGIN_PRIVATE_KEY_FILE: keyFile, GOVUK_ONE_LOGIN_BASE_URL: 'https://oidc.integration.account.gov.uk/' }, 'govuk_one_login', true)).toMatchObject({
      discovery: { issuer: 'https://oidc.integration.account.gov.uk' },
      apiBaseUrl: 'https://oidc.integration.account.gov.uk',
    });
    expect(() => providerSettings(base, 'govuk_one_login', true)).toThrow('GOVUK_ONE_LOGIN_PRIVATE_KEY_FILE');
    expect(() => providerSettings({ ...base, GOVUK_ONE_LOGIN_PRIVATE_KEY_FILE: keyFile, GOVUK_ONE_LOGIN_CLIENT_SECRET: 'a-secret' }, 'govuk_one_login', true)).toThrow('GOVUK_ONE_LOGIN_CLIENT_SECRET');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
