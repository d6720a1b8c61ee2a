import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFormPost, startAppleEmulator, type AppleEmulator, type AppleUser } from './apple.emulator.js';

const CLIENT_ID = 'com.example.tokenkeeper.web';
const TEAM_ID = 'A1B2C3D4E5';
const KEY_ID = 'K9Y8X7W6V5';
const REDIRECT_URI = 'https://app.example.test/auth/apple/callback';

let clock = Math.floor(Date.now() / 1000);
let apple: AppleEmulator;
let clientKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  clientKey = pair.privateKey;
  apple = await startAppleEmulator({ clientId: CLIENT_ID, teamId: TEAM_ID, keyId: KEY_ID, clientPublicKey: await exportJWK(pair.publicKey), redirectUri: REDIRECT_URI, now: () => clock });
});
afterAll(() => apple?.close());

const person = (sub: string): AppleUser => ({ sub, email: `${sub}@privaterelay.appleid.com`, emailVerified: true, isPrivateEmail: true, firstName: 'Ada', lastName: `Lovelace ${sub}` });

type SecretChanges = { kid?: string; iss?: string; sub?: string; aud?: string; iat?: number; exp?: number; key?: CryptoKey };
async function clientSecret(changes: SecretChanges = {}): Promise<string> {
  const iat = changes.iat ?? clock;
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: changes.kid ?? KEY_ID })
    .setIssuer(changes.iss ?? TEAM_ID).setSubject(changes.sub ?? CLIENT_ID).setAudience(changes.aud ?? 'https://appleid.apple.com')
    .setIssuedAt(iat).setExpirationTime(changes.exp ?? iat + 3600)
    .sign(changes.key ?? clientKey);
}

function authorize(params: Record<string, string> = {}): Promise<Response> {
  const query = { client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'name email', response_mode: 'form_post', state: 'st-1', nonce: 'n-1', ...params };
  return fetch(`${apple.origin}/auth/authorize?${new URLSearchParams(query)}`, { redirect: 'manual' });
}

/** Signs in as `user`; the fields the form_post page would post to the redirect URI. */
async function signIn(user: AppleUser, params: Record<string, string> = {}): Promise<URLSearchParams> {
  apple.signInAs(user);
  const page = await authorize(params);
  expect(page.status).toBe(200);
  const { action, fields } = readFormPost(await page.text());
  expect(action).toBe(REDIRECT_URI);
  return fields;
}

async function post(path: string, body: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${apple.origin}${path}`, { method: 'POST', headers, body: new URLSearchParams(body) });
  const text = await response.text();
  return { status: response.status, text, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
}

const exchange = async (code: string, secret?: string) =>
  post('/auth/token', { client_id: CLIENT_ID, client_secret: secret ?? (await clientSecret()), grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });

it('answers with a form_post page; `user` (name and email) comes with the first authorization only', async () => {
  const first = await signIn(person('001.first'));
  expect([first.get('state'), first.get('code')]).toEqual(['st-1', expect.stringMatching(/.+/)]);
  expect(JSON.parse(first.get('user')!)).toEqual({ name: { firstName: 'Ada', lastName: 'Lovelace 001.first' }, email: '001.first@privaterelay.appleid.com' });
  const again = await signIn(person('001.first'));
  expect([again.get('code'), again.has('user')]).toEqual([expect.stringMatching(/.+/), false]);
  expect(apple.authorizationRequests.at(-1)?.get('nonce')).toBe('n-1');
});

it('refuses response_mode=query when name or email is asked, on its own page; without them it redirects', async () => {
  apple.signInAs(person('002.query'));
  const refused = await authorize({ response_mode: 'query' });
  expect([refused.status, refused.headers.get('location')]).toEqual([400, null]);
  expect(await refused.text()).toContain('response_mode must be form_post when name or email scope is requested');
  const plain = new URL((await authorize({ response_mode: 'query', scope: '' })).headers.get('location')!);
  expect(plain.searchParams.get('code')).toMatch(/.+/);
  expect((await authorize({ redirect_uri: 'https://evil.example/cb' })).status).toBe(400);
});

it('posts error=user_cancelled_authorize with the state when the person cancels', async () => {
  apple.denyNext();
  const fields = await signIn(person('003.cancel'));
  expect(Object.fromEntries(fields)).toEqual({ error: 'user_cancelled_authorize', state: 'st-1' });
});

it('exchanges a code for tokens and an RS256 ID token whose email_verified is the string "true"', async () => {
  const fields = await signIn(person('004.token'));
  const { status, body } = await exchange(fields.get('code')!);
  expect(status).toBe(200);
  expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, refresh_token: expect.any(String), id_token: expect.any(String) });
  const jwks = createLocalJWKSet((await (await fetch(`${apple.origin}/auth/keys`)).json()) as JSONWebKeySet);
  const { payload, protectedHeader } = await jwtVerify(body.id_token as string, jwks, { issuer: apple.origin, audience: CLIENT_ID, currentDate: new Date(clock * 1000) });
  expect(protectedHeader.alg).toBe('RS256');
  expect(payload).toMatchObject({ sub: '004.token', nonce: 'n-1', nonce_supported: true, email: '004.token@privaterelay.appleid.com', email_verified: 'true', is_private_email: 'true' });
  expect(payload).not.toHaveProperty('name');
  expect(apple.accepts(body.access_token as string)).toBe(true);
  const discovery = (await (await fetch(`${apple.origin}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
  expect(discovery).toMatchObject({ issuer: apple.origin, jwks_uri: `${apple.origin}/auth/keys`, token_endpoint_auth_methods_supported: ['client_secret_post'] });
  expect(discovery.userinfo_endpoint).toBeUndefined();
});

it('refuses a bad client secret with invalid_client, and Basic credentials alone', async () => {
  const code = (await signIn(person('005.secret'))).get('code')!;
  const otherKey = (await generateKeyPair('ES256')).privateKey;
  const bad = [
    { kid: 'OTHERKEYID' }, { iss: 'Z9Z9Z9Z9Z9' }, { sub: 'com.example.other' }, { aud: 'https://example.com' },
    { iat: clock - 7200, exp: clock - 60 }, { key: otherKey }, { exp: clock + 15_777_001 },
    // More than six months after iat, or (iat ahead of the clock) more than six months from now.
    { iat: clock - 86_400, exp: clock + 15_777_000 - 3600 }, { iat: clock + 60, exp: clock + 15_777_060 },
  ];
  for (const changes of bad) expect((await exchange(code, await clientSecret(changes))).body, JSON.stringify(changes)).toEqual({ error: 'invalid_client' });
  const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${await clientSecret()}`).toString('base64')}`;
  const basicOnly = await post('/auth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }, { authorization: basic });
  expect(basicOnly).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
  // None of those touched the code: with a good secret (six months at most) it still works.
  expect((await exchange(code, await clientSecret({ exp: clock + 15_777_000 }))).status).toBe(200);
});

it('uses a code once, for five minutes, with its redirect_uri; unknown grant types are refused', async () => {
  const code = (await signIn(person('006.code'))).get('code')!;
  expect((await exchange(code)).status).toBe(200);
  expect(await exchange(code)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  const late = (await signIn(person('006.code'))).get('code')!;
  clock += 301;
  expect(await exchange(late)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  const elsewhere = (await signIn(person('006.code'))).get('code')!;
  const wrongUri = await post('/auth/token', { client_id: CLIENT_ID, client_secret: await clientSecret(), grant_type: 'authorization_code', code: elsewhere, redirect_uri: 'https://app.example.test/other' });
  expect(wrongUri.body).toEqual({ error: 'invalid_grant' });
  expect((await post('/auth/token', { client_id: CLIENT_ID, client_secret: await clientSecret(), grant_type: 'password' })).body).toEqual({ error: 'unsupported_grant_type' });
});

it('refreshes without a new refresh token; revoking the refresh token ends the grant', async () => {
  const tokens = (await exchange((await signIn(person('007.refresh'))).get('code')!)).body;
  const refreshBody = async () => ({ client_id: CLIENT_ID, client_secret: await clientSecret(), grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string });
  const before = apple.server.counts.refresh_token ?? 0;
  const refreshed = await post('/auth/token', await refreshBody());
  expect(refreshed).toMatchObject({ status: 200, body: { token_type: 'Bearer', expires_in: 3600, id_token: expect.any(String) } });
  expect(refreshed.body).not.toHaveProperty('refresh_token');
  expect(apple.server.counts.refresh_token).toBe(before + 1);
  expect(apple.liveRefreshTokens('007.refresh')).toBe(1);

  const revokeBody = { client_id: CLIENT_ID, token: tokens.refresh_token as string, token_type_hint: 'refresh_token' };
  expect((await post('/auth/revoke', { ...revokeBody, client_secret: await clientSecret({ kid: 'OTHERKEYID' }) })).body).toEqual({ error: 'invalid_client' });
  expect(apple.accepts(refreshed.body.access_token as string)).toBe(true);
  const revoked = await post('/auth/revoke', { ...revokeBody, client_secret: await clientSecret() });
  expect(revoked).toMatchObject({ status: 200, text: '' });
  expect(apple.accepts(tokens.access_token as string)).toBe(false);
  expect(apple.accepts(refreshed.body.access_token as string)).toBe(false);
  expect(apple.liveRefreshTokens('007.refresh')).toBe(0);
  expect((await post('/auth/token', await refreshBody())).body).toEqual({ error: 'invalid_grant' });
  expect((await post('/auth/revoke', { ...revokeBody, token: 'unknown', client_secret: await clientSecret() })).status).toBe(200);
  // The authorization is gone: signing in again is a first authorization, with `user`.
  expect((await signIn(person('007.refresh'))).has('user')).toBe(true);
});
