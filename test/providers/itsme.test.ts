import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { providerSettings } from '../../src/config/provider-config.js';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { ITSME_ACCESS_TOKEN_SECONDS, startItsmeEmulator, type ItsmeEmulator, type ItsmeUser } from './itsme.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { APP_ORIGIN, signInAs, signInThrough, startProviderTestApp } from './kit/provider-app.js';
import { expectAccessTokenLifetime, expireAccessTokens, rowCounts, standardCases, standardPeopleByNameParts, useProviderTest, type ProviderUnderTest } from './kit/standard-cases.js';

const CLIENT_ID = 'WXw9DMqkEv';
const SERVICE_CODE = 'TOKENKEEPER_LOGIN';
const REDIRECT_URI = `${APP_ORIGIN}/auth/itsme/callback`;

function person(id: number, givenName: string, familyName: string): ItsmeUser {
  return { sub: `e3xad7upx64grm14ttpnx4c586ve8g${String(id).padStart(6, '0')}`, givenName, familyName, birthdate: '1978-11-01', gender: id % 2 === 0 ? 'female' : 'male', locale: 'NL' };
}

const ITSME: ProviderUnderTest<ItsmeUser, ItsmeEmulator> = {
  preset: 'itsme',
  displayName: 'itsme',
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.sub,
};

describeEachDialect('itsme, against an emulator of its OpenID provider', (dialect) => {
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const decryptionKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-itsme-'));
    writeFileSync(join(folder, 'signing.pem'), signingKey.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    writeFileSync(join(folder, 'decryption.pem'), decryptionKey.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    writeFileSync(join(folder, 'other.pem'), generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  /** Only the documented variables: the preset, the client, the service code, both keys and ITSME_BASE_URL (as for the E2E environment). */
  const env = (emulator: ItsmeEmulator): Record<string, string> => ({
    OAUTH_PROVIDERS: 'itsme',
    ITSME_PRESET: 'itsme',
    ITSME_CLIENT_ID: CLIENT_ID,
    ITSME_APPLICATION_SLUG: SERVICE_CODE,
    ITSME_PRIVATE_KEY_FILE: join(folder, 'signing.pem'),
    ITSME_PRIVATE_KEY_ID: 'sig-2026',
    ITSME_DECRYPTION_KEY_FILE: join(folder, 'decryption.pem'),
    ITSME_BASE_URL: emulator.issuer,
  });

  /** The JWK Set URI registered at itsme: the app's own `/auth/itsme/jwks.json`. */
  const publishedJwks = async (): Promise<{ keys: JWK[] }> => {
    const answer = await context.app.browser().get(`${APP_ORIGIN}/auth/itsme/jwks.json`);
    if (answer.status !== 200) throw new Error(`the JWK Set URI answered ${answer.status}`);
    return JSON.parse(answer.text) as { keys: JWK[] };
  };

  const context = useProviderTest(
    () => dialect.openTestDatabase(),
    { startEmulator: () => startItsmeEmulator({ clientId: CLIENT_ID, redirectUri: REDIRECT_URI, serviceCode: SERVICE_CODE, clientJwks: publishedJwks }), env },
    // The app signing its assertions with a key that is not in the JWK Set registered at itsme.
    { misconfiguredEnv: () => ({ ITSME_PRIVATE_KEY_FILE: join(folder, 'other.pem') }) },
  );

  const signIn = (user: ItsmeUser) => signInAs(context, 'itsme', user);
  const picture = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/itsme/proxy/picture`);

  it('publishes the enc key and the sig key at /auth/itsme/jwks.json, public halves only, as itsme asks of a partner', async () => {
    const { keys } = await publishedJwks();
    expect(keys.map((key) => ({ kty: key.kty, use: key.use }))).toEqual(expect.arrayContaining([{ kty: 'RSA', use: 'enc' }, { kty: 'RSA', use: 'sig' }]));
    expect(keys).toHaveLength(2);
    expect(keys.find((key) => key.use === 'sig')).toMatchObject({ alg: 'RS256', kid: 'sig-2026', n: signingKey.publicKey.export({ format: 'jwk' }).n });
    expect(keys.find((key) => key.use === 'enc')).toMatchObject({ alg: 'RSA-OAEP-256', n: decryptionKey.publicKey.export({ format: 'jwk' }).n });
    for (const key of keys) expect(key).not.toHaveProperty('d');
  });

  it('signs in through discovery as the sub, decrypting the ID token and the userinfo answer; openid service:<code> profile, a nonce and S256 PKCE; an RS256 assertion with a kid for /v2/token; a 3600-second token and no refresh token', async () => {
    const { database, emulator: itsme, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(Object.fromEntries(request)).toMatchObject({ scope: `openid service:${SERVICE_CODE} profile`, response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, code_challenge_method: 'S256' });
    expect(request.get('nonce')).toEqual(expect.any(String));
    expect(itsme.server.requests.some((r) => r.path === '/v2/.well-known/openid-configuration')).toBe(true);
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ issuer: itsme.issuer, subject: ada.sub });
    expect(JSON.parse(account.claims)).toMatchObject({ sub: ada.sub, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', birthdate: '1978-11-01' });
    expect((itsme.server.counts.userinfo ?? 0) > 0).toBe(true);

    // What itsme sent was a JWE (five parts, to the enc key); what is kept is the signed ID token inside it.
    expect(itsme.lastIdToken().split('.')).toHaveLength(5);
    expect(decodeProtectedHeader(itsme.lastIdToken())).toMatchObject({ alg: 'RSA-OAEP-256', enc: 'A128CBC-HS256', cty: 'JWT' });
    const token = await app.runtime.tokenStore.findToken(userId, 'itsme');
    expect(token).toMatchObject({ refreshToken: null });
    expect(token!.idToken!.split('.')).toHaveLength(3);
    expect(decodeJwt(token!.idToken!)).toMatchObject({ iss: itsme.issuer, sub: ada.sub, aud: CLIENT_ID });
    expectAccessTokenLifetime(token, ITSME_ACCESS_TOKEN_SECONDS - 100, ITSME_ACCESS_TOKEN_SECONDS);

    const exchange = itsme.server.requests.findLast((r) => r.path === '/v2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const assertion = itsme.lastClientAssertion();
    expect(decodeProtectedHeader(assertion)).toMatchObject({ alg: 'RS256', kid: 'sig-2026' });
    expect(decodeJwt(assertion)).toMatchObject({ iss: CLIENT_ID, sub: CLIENT_ID, aud: `${itsme.issuer}/token`, jti: expect.any(String), exp: expect.any(Number) });
  });

  it('signing in again finds the same person by the sub, whatever the name became', async () => {
    const { database } = context;
    const first = await signIn(person(105, 'Alan', 'Turing'));
    const second = await signIn({ ...person(105, 'Alan', 'Turing'), familyName: 'Mathison-Turing' });
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('accounts').select('id').where('provider', '=', 'itsme').where('subject', '=', person(105, 'Alan', 'Turing').sub).execute()).toHaveLength(1);
  });

  it('the proxy reads the ID photo at /v2/picture with the token as Bearer', async () => {
    const { emulator: itsme } = context;
    const { browser } = await signIn(person(102, 'Edsger', 'Dijkstra'));
    const answer = await picture(browser);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('image/jpeg');
    expect(itsme.server.requests.findLast((r) => r.path === '/v2/picture')!.headers.authorization).toMatch(/^Bearer /);
  });

  it('an app without the decryption key cannot read the encrypted ID token: a 502 naming ITSME_DECRYPTION_KEY_FILE, and nothing is stored', async () => {
    const { database, emulator: itsme } = context;
    const { ITSME_DECRYPTION_KEY_FILE: _unset, ...withoutKey } = env(itsme);
    const keyless = await startProviderTestApp({ databaseUrl: database.url, env: withoutKey });
    try {
      const before = await rowCounts(database);
      itsme.signInAs(person(108, 'Katherine', 'Johnson'));
      const page = await signInThrough(keyless.browser(), 'itsme');
      expect(page.status).toBe(502);
      expect(page.text).toContain('DECRYPTION_KEY_FILE');
      expect(await rowCounts(database)).toEqual(before);
    } finally {
      await keyless.close();
    }
  });

  it('itsme refuses a scope without the service (invalid_scope), a value it does not name, and an assertion used twice (400 invalid_client)', async () => {
    const { emulator: itsme } = context;
    const authorize = (scope: string) =>
      fetch(`${itsme.issuer}/authorization?${new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', scope, state: 'state-1' })}`, { redirect: 'manual' });
    for (const scope of ['openid profile', `openid service:OTHER_SERVICE`, `openid service:${SERVICE_CODE} offline_access`]) {
      const refused = new URL((await authorize(scope)).headers.get('location')!);
      expect(refused.searchParams.get('error')).toBe('invalid_scope');
    }
    await signIn(person(106, 'Radia', 'Perlman'));
    const replayed = await fetch(`${itsme.issuer}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT_URI, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: itsme.lastClientAssertion() }),
    });
    expect(replayed.status).toBe(400);
    expect(await replayed.json()).toMatchObject({ error: 'invalid_client' });
    const missing = await fetch(`${itsme.issuer}/userinfo`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('once the token has ended, 20 calls answer needs_reauth without asking itsme for anything, and the connection is marked', async () => {
    const { database, emulator: itsme, app } = context;
    const { browser, userId } = await signIn(person(103, 'Barbara', 'Liskov'));
    await expireAccessTokens(database, userId);
    const tokenRequests = itsme.server.counts.token_request ?? 0;
    const pictures = itsme.server.requests.filter((r) => r.path === '/v2/picture').length;
    const answers = await Promise.all(Array.from({ length: 20 }, () => picture(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(401));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ error: 'needs_reauth' });
    expect(itsme.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect(itsme.server.requests.filter((r) => r.path === '/v2/picture').length).toBe(pictures);
    expect((await app.runtime.tokenStore.findToken(userId, 'itsme'))!.status).toBe('needs_reauth');
  });

  it('a token itsme no longer takes (the person deleted their account: its 401 invalid_token) marks the connection needs re-auth, with no refresh to try', async () => {
    const { emulator: itsme, app } = context;
    const leaving = person(104, 'Frances', 'Allen');
    const { browser, userId } = await signIn(leaving);
    itsme.deleteAccount(leaving);
    const tokenRequests = itsme.server.counts.token_request ?? 0;
    const call = await picture(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect(itsme.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect((await app.runtime.tokenStore.findToken(userId, 'itsme'))!.status).toBe('needs_reauth');
  });

  it('disconnect asks itsme nothing (a private_key_jwt partner has no revocation) and deletes the stored token', async () => {
    const { emulator: itsme } = context;
    const signedIn = await signIn(person(107, 'Grace', 'Hopper'));
    const stored = await context.app.runtime.tokenStore.findToken(signedIn.userId, 'itsme');
    await expectDisconnectAsksNothing(context, 'itsme', signedIn);
    expect(itsme.accepts(stored!.accessToken)).toBe(true);
  });

  standardCases(() => context, ITSME, {
    cancelled: {},
    refusedCode: { sentAs: '400 invalid_grant' },
    wrongSecret: { sentAs: '400 invalid_client, an assertion signed with a key not in the registered JWK Set' },
    exchangeFailure: {},
  });
});

it('in production the preset is idp.prd.itsme.services/v2, ITSME_BASE_URL the E2E environment; the service code and the private key are required, a client secret refused', () => {
  const base = { ITSME_PRESET: 'itsme', ITSME_CLIENT_ID: CLIENT_ID };
  const folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-itsme-'));
  try {
    const keyFile = join(folder, 'signing.pem');
    writeFileSync(keyFile, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const configured = { ...base, ITSME_APPLICATION_SLUG: SERVICE_CODE, ITSME_PRIVATE_KEY_FILE: keyFile };
    expect(providerSettings(configured, 'itsme', true)).toMatchObject({
      discovery: { issuer: 'https://idp.prd.itsme.services/v2' },
      scope: `openid service:${SERVICE_CODE} profile`,
      tokenEndpointAuthMethod: 'private_key_jwt',
      clientAssertionAudience: 'token_endpoint',
      apiBaseUrl: 'https://idp.prd.itsme.services/v2',
    });
    expect(providerSettings({ ...configured, ITSME_BASE_URL: 'https://idp.e2e.itsme.services/v2/' }, 'itsme', true)).toMatchObject({
      discovery: { issuer: 'https://idp.e2e.itsme.services/v2' },
      apiBaseUrl: 'https://idp.e2e.itsme.services/v2',
    });
    expect(() => providerSettings({ ...base, ITSME_PRIVATE_KEY_FILE: keyFile }, 'itsme', true)).toThrow('ITSME_APPLICATION_SLUG');
    expect(() => providerSettings({ ...base, ITSME_APPLICATION_SLUG: SERVICE_CODE }, 'itsme', true)).toThrow('ITSME_PRIVATE_KEY_FILE');
    expect(() => providerSettings({ ...configured, ITSME_CLIENT_SECRET: 'a-secret' }, 'itsme', true)).toThrow('ITSME_CLIENT_SECRET');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
