import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { providerSettings } from '../../src/config/provider-config.js';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startLoginGovEmulator, type LoginGovEmulator, type LoginGovUser } from './logingov.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { APP_ORIGIN, signInAs, startProviderTestApp } from './kit/provider-app.js';
import { expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type ProviderUnderTest } from './kit/standard-cases.js';

// An issuer as the Partner Portal has agencies name their apps.
const CLIENT_ID = 'urn:gov:gsa:openidconnect.profiles:sp:sso:agency:tokenkeeper';
const REDIRECT_URI = `${APP_ORIGIN}/auth/logingov/callback`;

function person(id: number, name: string, verified = false): LoginGovUser {
  const [givenName, familyName] = name.split(' ');
  const email = `${givenName!.toLowerCase()}.${familyName!.toLowerCase()}@example.gov`;
  return {
    uuid: `b2d2d115-1d7e-4579-b9d6-${String(id).padStart(12, '0')}`,
    email,
    allEmails: [email, `${givenName!.toLowerCase()}@example.com`],
    ...(verified ? { verifiedName: { givenName: givenName!, familyName: familyName! } } : {}),
  };
}

const LOGINGOV: ProviderUnderTest<LoginGovUser, LoginGovEmulator> = {
  preset: 'logingov',
  displayName: 'Login.gov',
  people: standardPeople((id, name) => person(id, name)),
  subjectOf: (user) => user.uuid,
};

describeEachDialect('Login.gov, against an emulator of its OpenID Connect IdP', (dialect) => {
  const clientKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-logingov-'));
    writeFileSync(join(folder, 'private.pem'), clientKey.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    writeFileSync(join(folder, 'other.pem'), generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  /** Only the documented variables: the preset, the client, its private key and LOGINGOV_BASE_URL (as for the sandbox). */
  const env = (emulator: LoginGovEmulator, variables: Record<string, string> = {}): Record<string, string> => ({
    OAUTH_PROVIDERS: 'logingov',
    LOGINGOV_PRESET: 'logingov',
    LOGINGOV_CLIENT_ID: CLIENT_ID,
    LOGINGOV_PRIVATE_KEY_FILE: join(folder, 'private.pem'),
    LOGINGOV_BASE_URL: emulator.origin,
    ...variables,
  });

  const context = useProviderTest(
    () => dialect.openTestDatabase(),
    { startEmulator: () => startLoginGovEmulator({ clientId: CLIENT_ID, redirectUri: REDIRECT_URI, clientPublicKey: clientKey.publicKey }), env: (emulator) => env(emulator) },
    // The app signing its assertions with a key whose certificate the client did not register.
    { misconfiguredEnv: () => ({ LOGINGOV_PRIVATE_KEY_FILE: join(folder, 'other.pem') }) },
  );

  const signIn = (user: LoginGovUser) => signInAs(context, 'logingov', user);
  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/logingov/proxy/userinfo`);

  it('signs in through discovery as the UUID, its verified e-mail, no name at auth-only; acr_values, prompt=select_account, long state and nonce; an RS256 assertion for the token endpoint, a 3600-second token and no refresh token', async () => {
    const { database, emulator: logingov, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(Object.fromEntries(request)).toMatchObject({ scope: 'openid email', acr_values: 'urn:acr.login.gov:auth-only', prompt: 'select_account', response_type: 'code' });
    expect(request.get('state')!.length).toBeGreaterThanOrEqual(22);
    expect(request.get('nonce')!.length).toBeGreaterThanOrEqual(22);
    expect(logingov.server.requests.some((r) => r.path === '/.well-known/openid-configuration')).toBe(true);
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ issuer: logingov.issuer, subject: ada.uuid });
    expect(JSON.parse(account.claims)).toMatchObject({ sub: ada.uuid, email: ada.email, email_verified: true, ial: 'http://idmanagement.gov/ns/assurance/ial/1' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: null, email: ada.email });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'logingov');
    expect(token).toMatchObject({ refreshToken: null, scope: 'openid email' });
    expectAccessTokenLifetime(token, 3600 - 100, 3600);

    const exchange = logingov.server.requests.findLast((r) => r.path === '/api/openid_connect/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const assertion = logingov.lastClientAssertion();
    expect(decodeProtectedHeader(assertion).alg).toBe('RS256');
    expect(decodeJwt(assertion)).toMatchObject({ iss: CLIENT_ID, sub: CLIENT_ID, aud: `${logingov.origin}/api/openid_connect/token`, jti: expect.any(String), exp: expect.any(Number) });
  });

  it('an identity-verified person asked for profile:name at the verified level is stored under the verified name', async () => {
    const { database, emulator: logingov } = context;
    const verifying = await startProviderTestApp({
      databaseUrl: database.url,
      env: env(logingov, { LOGINGOV_SCOPE: 'openid email profile:name', LOGINGOV_AUTHORIZATION_PARAMS: 'acr_values=urn:acr.login.gov:verified' }),
    });
    try {
      const grace = person(110, 'Grace Hopper', true);
      const { userId, request } = await signInAs({ app: verifying, emulator: logingov }, 'logingov', grace);
      expect(request.get('acr_values')).toBe('urn:acr.login.gov:verified');
      const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
      expect(user).toEqual({ name: 'Grace Hopper', email: grace.email });
    } finally {
      await verifying.close();
    }
  });

  it('signing in again finds the same person by the UUID, whatever the e-mail became', async () => {
    const { database } = context;
    const first = await signIn(person(105, 'Alan Turing'));
    const second = await signIn({ ...person(105, 'Alan Turing'), email: 'a.turing@example.gov' });
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('accounts').select('id').where('provider', '=', 'logingov').where('subject', '=', person(105, 'Alan Turing').uuid).execute()).toHaveLength(1);
  });

  it('the proxy reads userinfo again with the token as Bearer', async () => {
    const { emulator: logingov } = context;
    const edsger = person(102, 'Edsger Dijkstra');
    const { browser } = await signIn(edsger);
    const answer = await userinfo(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ sub: edsger.uuid, email: edsger.email, email_verified: true });
    expect(logingov.server.requests.findLast((r) => r.path === '/api/openid_connect/userinfo')!.headers.authorization).toMatch(/^Bearer /);
  });

  it('once the token has ended, 20 calls answer needs_reauth without asking Login.gov for anything, and the connection is marked', async () => {
    const { database, emulator: logingov, app } = context;
    const { browser, userId } = await signIn(person(103, 'Barbara Liskov'));
    await expireAccessTokens(database, userId);
    const tokenRequests = logingov.server.counts.token_request ?? 0;
    const userinfoCalls = logingov.server.counts.userinfo ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => userinfo(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(401));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ error: 'needs_reauth' });
    expect(logingov.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect(logingov.server.counts.userinfo ?? 0).toBe(userinfoCalls);
    expect((await app.runtime.tokenStore.findToken(userId, 'logingov'))!.status).toBe('needs_reauth');
  });

  it('a token Login.gov no longer takes (its 401 with a sentence) marks the connection needs re-auth, with no refresh to try', async () => {
    const { emulator: logingov, app } = context;
    const leaving = person(104, 'Frances Allen');
    const { browser, userId } = await signIn(leaving);
    logingov.endSessionOf(leaving);
    const tokenRequests = logingov.server.counts.token_request ?? 0;
    const call = await userinfo(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect(logingov.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect((await app.runtime.tokenStore.findToken(userId, 'logingov'))!.status).toBe('needs_reauth');
  });

  it('disconnect asks Login.gov nothing (it has no revocation) and deletes the stored token', async () => {
    const { emulator: logingov } = context;
    const signedIn = await signIn(person(106, 'Radia Perlman'));
    const stored = await context.app.runtime.tokenStore.findToken(signedIn.userId, 'logingov');
    await expectDisconnectAsksNothing(context, 'logingov', signedIn);
    expect(logingov.accepts(stored!.accessToken)).toBe(true);
  });

  standardCases(() => context, LOGINGOV, {
    cancelled: {},
    refusedCode: { sentAs: '400 “Code is invalid because doesn’t match any user”' },
    wrongSecret: { sentAs: '400 “Could not validate assertion against any registered public keys”', error: 'invalid_client' },
    exchangeFailure: {},
  });
});

it('in production the preset is Login.gov’s own IdP, LOGINGOV_BASE_URL its sandbox; a client secret is refused and the private key is required', () => {
  const base = { LOGINGOV_PRESET: 'logingov', LOGINGOV_CLIENT_ID: CLIENT_ID };
  const folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-logingov-'));
  try {
    const keyFile = join(folder, 'private.pem');
    writeFileSync(keyFile, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const production = providerSettings({ ...base, LOGINGOV_PRIVATE_KEY_FILE: keyFile }, 'logingov', true);
    expect(production).toMatchObject({
      discovery: { issuer: 'https://secure.login.gov' },
      tokenEndpointAuthMethod: 'private_key_jwt',
      clientAssertionAudience: 'token_endpoint',
      apiBaseUrl: 'https://secure.login.gov/api/openid_connect',
      authorizationParams: { acr_values: 'urn:acr.login.gov:auth-only', prompt: 'select_account' },
    });
    expect(providerSettings({ ...base, LOGINGOV_PRIVATE_KEY_FILE: keyFile, LOGINGOV_BASE_URL: 'https://idp.int.identitysandbox.gov/' }, 'logingov', true).discovery).toMatchObject({ issuer: 'https://idp.int.identitysandbox.gov' });
    expect(() => providerSettings(base, 'logingov', true)).toThrow('LOGINGOV_PRIVATE_KEY_FILE');
    expect(() => providerSettings({ ...base, LOGINGOV_PRIVATE_KEY_FILE: keyFile, LOGINGOV_CLIENT_SECRET: 'a-secret' }, 'logingov', true)).toThrow('LOGINGOV_CLIENT_SECRET');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
