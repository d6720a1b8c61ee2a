import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { finishAuthorization, startAuthorization, type AuthorizationTransaction } from './authorization.js';
import { AccessTokenRenewalRefused, type ProviderHooks } from './provider-hooks.js';
import { ProviderRegistry } from './provider-registry.js';
import type { ProviderSettings } from './provider-settings.js';

const REDIRECT_URI = 'https://app.acme.test/callback';
const NOW = 1_800_000_000;

interface Answer {
  status: number;
  body?: unknown;
}

/**
 * An authorization server on 127.0.0.1 (discovery, token, userinfo and JWKS
 * endpoints): what each answers is the test's choice. Its discovery document
 * names ES256 for ID tokens (OIDC Discovery §3), whose keys are quick to make.
 */
let server: Server;
let origin: string;
let signingKey: CryptoKey;
let publicJwk: JWK;
let tokenForms: URLSearchParams[] = [];
let tokenQueries: Array<{ method: string; body: string; contentType: string | undefined; parameters: URLSearchParams }> = [];
let userinfoHeaders: IncomingHttpHeaders[] = [];
let userinfoQueries: string[] = [];
/** Each userinfo request's method, content type and body. */
let userinfoRequests: Array<{ method: string; contentType: string | undefined; body: string }> = [];
let answerToken: (form: URLSearchParams) => Promise<Answer> | Answer;
let answerUserinfo: () => Answer;
/** A renewal endpoint of the access token itself (Instagram's kind), for the renewAccessToken hook. */
let renewRequests: URLSearchParams[] = [];
let answerRenew: () => Answer;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  signingKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const send = (answer: Answer) => {
        res.writeHead(answer.status, answer.body === undefined ? {} : { 'content-type': 'application/json' });
        res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
      };
      if (req.url === '/jwks') return send({ status: 200, body: { keys: [publicJwk] } });
      if (req.url === '/.well-known/openid-configuration') {
        return send({
          status: 200,
          body: {
            issuer: origin,
            authorization_endpoint: `${origin}/authorize`,
            token_endpoint: `${origin}/token`,
            userinfo_endpoint: `${origin}/userinfo`,
            jwks_uri: `${origin}/jwks`,
            response_types_supported: ['code'],
            subject_types_supported: ['public'],
            id_token_signing_alg_values_supported: ['ES256'],
          },
        });
      }
      if (req.url?.split('?')[0] === '/userinfo') {
        userinfoHeaders.push(req.headers);
        userinfoQueries.push(new URL(req.url, origin).search);
        userinfoRequests.push({ method: req.method ?? '', contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
        return send(answerUserinfo());
      }
      if (req.url?.startsWith('/renew?')) {
        renewRequests.push(new URL(req.url, origin).searchParams);
        return send(answerRenew());
      }
      if (req.url === '/token') {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        tokenForms.push(form);
        return void Promise.resolve(answerToken(form)).then(send);
      }
      // A token endpoint taking its parameters in the query of a GET (tokenRequestsInQuery).
      if (req.url?.startsWith('/token?')) {
        tokenQueries.push({ method: req.method ?? '', body: Buffer.concat(chunks).toString('utf8'), contentType: req.headers['content-type'], parameters: new URL(req.url, origin).searchParams });
        return void Promise.resolve(answerToken(new URL(req.url, origin).searchParams)).then(send);
      }
      send({ status: 404 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  tokenForms = [];
  tokenQueries = [];
  userinfoHeaders = [];
  userinfoQueries = [];
  userinfoRequests = [];
  answerToken = () => ({ status: 200, body: { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-1' } });
  answerUserinfo = () => ({ status: 200, body: { id: 42, login: 'ada', name: 'Ada Lovelace', email: 'ada@acme.test' } });
  renewRequests = [];
  answerRenew = () => ({ status: 200, body: { access_token: 'at-long', token_type: 'bearer', expires_in: 5_184_000 } });
});

function settings(overrides: Partial<ProviderSettings> = {}): ProviderSettings {
  return {
    name: 'acme',
    displayName: 'Acme',
    clientId: 'client-1',
    clientSecret: 'secret-1',
    tokenEndpointAuthMethod: 'client_secret_post',
    discovery: { issuer: origin },
    scope: 'openid email profile',
    allowInsecureHttp: true,
    ...overrides,
  };
}

/** A plain OAuth 2.0 provider without discovery: no openid scope, the subject is the user API's numeric `id`. */
const plain = (overrides: Partial<ProviderSettings> = {}) =>
  settings({
    discovery: undefined,
    endpoints: { issuer: origin, authorizationEndpoint: `${origin}/authorize`, tokenEndpoint: `${origin}/token`, userinfoEndpoint: `${origin}/userinfo` },
    scope: 'read:user',
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email', preferredUsername: 'login' },
    ...overrides,
  });

/** An ID token for `transaction`, as the provider would sign it (OIDC Core §2). */
async function idToken(transaction: AuthorizationTransaction, claims: Record<string, unknown> = {}): Promise<string> {
  const seconds = Math.floor(Date.now() / 1000);
  return new SignJWT({ nonce: transaction.nonce ?? undefined, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(origin)
    .setAudience('client-1')
    .setSubject('user-1')
    .setIssuedAt(seconds)
    .setExpirationTime(seconds + 300)
    .sign(signingKey);
}

function callback(transaction: AuthorizationTransaction, parameters: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({ code: 'code-1', state: transaction.state, ...parameters });
}

async function failure(promise: Promise<unknown>) {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as Error & { code: string; status: number },
  );
}

describe('startAuthorization', () => {
  it('builds the authorization request with PKCE S256 (RFC 7636), a fresh state and, for OpenID, a nonce', async () => {
    const registry = new ProviderRegistry([settings({ authorizationParams: { access_type: 'offline' } })]);
    const { authorizationUrl, transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    expect(authorizationUrl.origin + authorizationUrl.pathname).toBe(`${origin}/authorize`);
    const challenge = createHash('sha256').update(transaction.codeVerifier).digest('base64url');
    expect(Object.fromEntries(authorizationUrl.searchParams)).toEqual({
      access_type: 'offline',
      client_id: 'client-1',
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid email profile',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: transaction.state,
      nonce: transaction.nonce,
    });
    expect(transaction).toMatchObject({ provider: 'acme', issuer: origin, clientId: 'client-1', redirectUri: REDIRECT_URI, scope: 'openid email profile' });
    const again = await startAuthorization(registry, 'acme', REDIRECT_URI);
    expect(again.transaction.state).not.toBe(transaction.state);
    expect(again.transaction.nonce).not.toBe(transaction.nonce);
    expect(again.transaction.codeVerifier).not.toBe(transaction.codeVerifier);
  });

  it('no nonce without the openid scope or when the provider takes none; no PKCE when it takes none', async () => {
    const registry = new ProviderRegistry([plain(), settings({ name: 'nononce', idTokenNonce: false, pkce: false })]);
    const oauth = await startAuthorization(registry, 'acme', REDIRECT_URI);
    expect(oauth.transaction.nonce).toBeNull();
    expect(oauth.authorizationUrl.searchParams.has('nonce')).toBe(false);
    const bare = await startAuthorization(registry, 'nononce', REDIRECT_URI);
    expect(bare.transaction.nonce).toBeNull();
    expect(bare.authorizationUrl.searchParams.has('code_challenge')).toBe(false);
    expect(bare.authorizationUrl.searchParams.has('code_challenge_method')).toBe(false);
  });

  it("sends the scope in the provider's own form when a preset's authorizationScope hook gives one, keeping it space-separated in the transaction", async () => {
    const registry = new ProviderRegistry([plain({ scope: 'read activity:read_all', hooks: { authorizationScope: (scope) => scope.split(' ').join(',') } })]);
    const { authorizationUrl, transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    expect(authorizationUrl.searchParams.get('scope')).toBe('read,activity:read_all');
    expect(transaction.scope).toBe('read activity:read_all');
  });

  it("sends redirectUriSent as redirect_uri (eBay's RuName) when set, keeping the callback URL in the transaction", async () => {
    const registry = new ProviderRegistry([plain({ redirectUriSent: 'Acme_Ltd-AcmeApp-PRD-abcdefghij' }), plain({ name: 'plain' })]);
    const { authorizationUrl, transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    expect(authorizationUrl.searchParams.getAll('redirect_uri')).toEqual(['Acme_Ltd-AcmeApp-PRD-abcdefghij']);
    expect(transaction.redirectUri).toBe(REDIRECT_URI);
    expect((await startAuthorization(registry, 'plain', REDIRECT_URI)).authorizationUrl.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);
  });

  it('asks for consent when only consent brings a refresh token and the connection has no live one', async () => {
    const registry = new ProviderRegistry([
      settings({ refreshTokenNeedsConsent: true }),
      settings({ name: 'login', refreshTokenNeedsConsent: true, authorizationParams: { prompt: 'login' } }),
      settings({ name: 'silent', refreshTokenNeedsConsent: true, authorizationParams: { prompt: 'none' } }),
      settings({ name: 'never' }),
    ]);
    const prompt = async (name: string, hasLiveRefreshToken?: boolean) =>
      (await startAuthorization(registry, name, REDIRECT_URI, hasLiveRefreshToken === undefined ? {} : { hasLiveRefreshToken })).authorizationUrl.searchParams.get('prompt');
    expect(await prompt('acme')).toBe('consent');
    expect(await prompt('acme', true)).toBeNull();
    expect(await prompt('login', false)).toBe('login consent');
    expect(await prompt('login', true)).toBe('login');
    // OIDC Core §3.1.2.1: `none` cannot be combined with another value.
    expect(await prompt('silent')).toBe('none');
    expect(await prompt('never')).toBeNull();
    // Asking for more scope is a new consent: consent is asked for even with a live refresh token.
    const incremental = await startAuthorization(registry, 'acme', REDIRECT_URI, { hasLiveRefreshToken: true, incrementalScope: 'openid email profile more' });
    expect(incremental.authorizationUrl.searchParams.get('prompt')).toBe('consent');
  });

  it('incremental authorization asks for the given scope, with the preset incremental parameters, and keeps that scope in the transaction', async () => {
    const registry = new ProviderRegistry([settings({ incrementalAuthorizationParams: { include_granted_scopes: 'true' } }), plain({ name: 'plain' })]);
    const { authorizationUrl, transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI, { incrementalScope: 'openid email profile drive' });
    expect(authorizationUrl.searchParams.get('scope')).toBe('openid email profile drive');
    expect(authorizationUrl.searchParams.get('include_granted_scopes')).toBe('true');
    expect(transaction.scope).toBe('openid email profile drive');
    // An ordinary sign-in sends neither.
    const ordinary = await startAuthorization(registry, 'acme', REDIRECT_URI);
    expect(ordinary.authorizationUrl.searchParams.has('include_granted_scopes')).toBe(false);
    // A provider without the option: the scope only; asking for openid brings a nonce.
    const other = await startAuthorization(registry, 'plain', REDIRECT_URI, { incrementalScope: 'openid repo' });
    expect(other.authorizationUrl.searchParams.has('include_granted_scopes')).toBe(false);
    expect(other.transaction.nonce).not.toBeNull();
  });

  it('an unknown provider is unknown_provider', async () => {
    expect(await failure(startAuthorization(new ProviderRegistry([]), 'acme', REDIRECT_URI))).toMatchObject({ code: 'unknown_provider', status: 404 });
  });
});

describe('finishAuthorization with OpenID Connect', () => {
  it('exchanges the code with the PKCE verifier, checks the ID token, reads userinfo and normalises the identity', async () => {
    const registry = new ProviderRegistry([settings()]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    const signed = await idToken(transaction, { email: 'old@acme.test', email_verified: true });
    answerToken = () => ({ status: 200, body: { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-1', id_token: signed } });
    answerUserinfo = () => ({ status: 200, body: { sub: 'user-1', name: 'Ada Lovelace', email: 'ada@acme.test', preferred_username: 'ada' } });

    const completed = await finishAuthorization(registry, transaction, callback(transaction), () => NOW);
    expect(Object.fromEntries(tokenForms[0]!)).toMatchObject({ grant_type: 'authorization_code', code: 'code-1', code_verifier: transaction.codeVerifier, redirect_uri: REDIRECT_URI, client_id: 'client-1' });
    expect(userinfoHeaders[0]!.authorization).toBe('Bearer at-1');
    expect(completed.identity).toMatchObject({
      provider: 'acme',
      issuer: origin,
      subject: 'user-1',
      name: 'Ada Lovelace',
      // Userinfo is the fresher profile.
      email: 'ada@acme.test',
      emailVerified: true,
      preferredUsername: 'ada',
    });
    // The redirect_uri the exchange sent is kept with the tokens, for a provider that wants it again in a refresh.
    expect(completed.tokens).toEqual({ accessToken: 'at-1', refreshToken: 'rt-1', idToken: signed, tokenType: 'bearer', scope: 'openid email profile', expiresAt: NOW + 3600, issuedAt: NOW, redirectUri: REDIRECT_URI });
  });

  it('a name made of given_name and family_name when there is no name (OIDC Core §5.1), none without either', async () => {
    const registry = new ProviderRegistry([settings({ skipUserinfo: true }), settings({ name: 'bare', skipUserinfo: true })]);
    const first = await startAuthorization(registry, 'acme', REDIRECT_URI);
    const named = await idToken(first.transaction, { given_name: 'Ada', family_name: 'Lovelace' });
    answerToken = () => ({ status: 200, body: { access_token: 'at-1', token_type: 'Bearer', id_token: named } });
    expect((await finishAuthorization(registry, first.transaction, callback(first.transaction))).identity).toMatchObject({ name: 'Ada Lovelace', email: null, emailVerified: null, preferredUsername: null });
    expect(userinfoHeaders).toHaveLength(0);

    const second = await startAuthorization(registry, 'bare', REDIRECT_URI);
    const unnamed = await idToken(second.transaction);
    answerToken = () => ({ status: 200, body: { access_token: 'at-1', token_type: 'Bearer', id_token: unnamed } });
    expect((await finishAuthorization(registry, second.transaction, callback(second.transaction))).identity.name).toBeNull();
  });

  it('an ID token for another sign-in (its nonce) is refused: provider_bad_response', async () => {
    const registry = new ProviderRegistry([settings()]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    const other = await idToken({ ...transaction, nonce: 'another-nonce' });
    answerToken = () => ({ status: 200, body: { access_token: 'at-1', token_type: 'Bearer', id_token: other } });
    expect(await failure(finishAuthorization(registry, transaction, callback(transaction)))).toMatchObject({ code: 'provider_bad_response', status: 502 });
  });

  it("with idTokenSubjectClaim the account is the ID token's claim of that name (a GUID beside a login-name sub), userinfo still checked against sub; an ID token without it is refused", async () => {
    const registry = new ProviderRegistry([settings({ idTokenSubjectClaim: 'user_id' })]);
    const first = await startAuthorization(registry, 'acme', REDIRECT_URI);
    const withGuid = await idToken(first.transaction, { user_id: '9d2b4f7c0e6a4c1d8b3e5f7a9c1d3e5f' });
    answerToken = () => ({ status: 200, body: { access_token: 'at-1', token_type: 'Bearer', id_token: withGuid } });
    answerUserinfo = () => ({ status: 200, body: { sub: 'user-1', name: 'Ada Lovelace' } });
    expect((await finishAuthorization(registry, first.transaction, callback(first.transaction))).identity).toMatchObject({ subject: '9d2b4f7c0e6a4c1d8b3e5f7a9c1d3e5f', name: 'Ada Lovelace' });

    const second = await startAuthorization(registry, 'acme', REDIRECT_URI);
    const loginNameOnly = await idToken(second.transaction);
    answerToken = () => ({ status: 200, body: { access_token: 'at-1', token_type: 'Bearer', id_token: loginNameOnly } });
    expect(await failure(finishAuthorization(registry, second.transaction, callback(second.transaction)))).toMatchObject({ code: 'provider_bad_response' });

    const third = await startAuthorization(registry, 'acme', REDIRECT_URI);
    const mismatched = await idToken(third.transaction, { user_id: '9d2b4f7c0e6a4c1d8b3e5f7a9c1d3e5f' });
    answerToken = () => ({ status: 200, body: { access_token: 'at-1', token_type: 'Bearer', id_token: mismatched } });
    answerUserinfo = () => ({ status: 200, body: { sub: '9d2b4f7c0e6a4c1d8b3e5f7a9c1d3e5f' } });
    expect(await failure(finishAuthorization(registry, third.transaction, callback(third.transaction)))).toMatchObject({ code: 'provider_bad_response' });
  });

  it('a token answer without the ID token the openid scope calls for is refused', async () => {
    const registry = new ProviderRegistry([settings()]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    expect(await failure(finishAuthorization(registry, transaction, callback(transaction)))).toMatchObject({ code: 'provider_bad_response' });
  });
});

describe('finishAuthorization with plain OAuth 2.0', () => {
  it('takes the subject from the user API (a number as a string) and the claims under their configured names', async () => {
    const registry = new ProviderRegistry([plain()]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    const completed = await finishAuthorization(registry, transaction, callback(transaction), () => NOW);
    expect(completed.identity).toEqual({
      provider: 'acme',
      issuer: origin,
      subject: '42',
      name: 'Ada Lovelace',
      email: 'ada@acme.test',
      emailVerified: null,
      preferredUsername: 'ada',
      claims: { id: 42, login: 'ada', name: 'Ada Lovelace', email: 'ada@acme.test' },
      // No ID token, so no provider session to name.
      providerSessionId: null,
    });
    expect(completed.tokens).toMatchObject({ accessToken: 'at-1', idToken: null, scope: 'read:user' });
  });

  it('an e-mail a findEmail hook found is used, with its verification', async () => {
    answerUserinfo = () => ({ status: 200, body: { id: 42, login: 'ada' } });
    const registry = new ProviderRegistry([plain({ hooks: { findEmail: async () => ({ email: 'private@acme.test', verified: true }) } })]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    expect((await finishAuthorization(registry, transaction, callback(transaction))).identity).toMatchObject({ email: 'private@acme.test', emailVerified: true, name: null });
  });

  it("PKCE 'plain' sends the verifier itself as the challenge (RFC 7636 §4.2), and the same verifier at the code exchange", async () => {
    const registry = new ProviderRegistry([plain({ pkce: 'plain' })]);
    const { authorizationUrl, transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    expect(authorizationUrl.searchParams.get('code_challenge')).toBe(transaction.codeVerifier);
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('plain');
    expect(transaction.codeVerifier).toMatch(/^[A-Za-z0-9_~.-]{43,128}$/);
    await finishAuthorization(registry, transaction, callback(transaction));
    expect(tokenForms[0]!.get('code_verifier')).toBe(transaction.codeVerifier);
  });

  it('without PKCE no code_verifier is sent', async () => {
    const registry = new ProviderRegistry([plain({ pkce: false })]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    await finishAuthorization(registry, transaction, callback(transaction));
    expect(tokenForms[0]!.has('code_verifier')).toBe(false);
  });

  it("with stateAtCodeExchange the code exchange sends the authorization request's state beside the code; without it, none", async () => {
    const registry = new ProviderRegistry([plain({ stateAtCodeExchange: true }), plain({ name: 'plain' })]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    await finishAuthorization(registry, transaction, callback(transaction));
    expect(tokenForms[0]!.get('state')).toBe(transaction.state);
    expect(tokenForms[0]!.get('code')).toBe('code-1');
    const other = await startAuthorization(registry, 'plain', REDIRECT_URI);
    await finishAuthorization(registry, other.transaction, callback(other.transaction));
    expect(tokenForms[1]!.has('state')).toBe(false);
  });

  it('with callbackParametersResent the code exchange sends those parameters of the callback beside the code, and the tokens keep them; without it, neither', async () => {
    const registry = new ProviderRegistry([plain({ callbackParametersResent: ['device_id'] }), plain({ name: 'plain' })]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    const completed = await finishAuthorization(registry, transaction, callback(transaction, { device_id: 'dev-7Qx_2', type: 'code_v2' }));
    expect(tokenForms[0]!.get('device_id')).toBe('dev-7Qx_2');
    expect(tokenForms[0]!.has('type')).toBe(false);
    expect(completed.tokens.callbackParameters).toEqual({ device_id: 'dev-7Qx_2' });
    const other = await startAuthorization(registry, 'plain', REDIRECT_URI);
    const plainCompleted = await finishAuthorization(registry, other.transaction, callback(other.transaction, { device_id: 'dev-7Qx_2' }));
    expect(tokenForms[1]!.has('device_id')).toBe(false);
    expect(plainCompleted.tokens.callbackParameters).toBeUndefined();
  });

  it('with callbackParametersResent a callback whose parameter is missing, twice, empty, too long or not printable ASCII is invalid_callback, and no code is sent', async () => {
    const registry = new ProviderRegistry([plain({ callbackParametersResent: ['device_id'] })]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    const twice = callback(transaction, { device_id: 'dev-1' });
    twice.append('device_id', 'dev-2');
    const cases: Array<[URLSearchParams, string]> = [
      [callback(transaction), 'has no device_id'],
      [twice, 'has more than one device_id'],
      [callback(transaction, { device_id: '' }), 'has an unusable device_id'],
      [callback(transaction, { device_id: 'd'.repeat(257) }), 'has an unusable device_id'],
      [callback(transaction, { device_id: 'dev 1' }), 'has an unusable device_id'],
      [callback(transaction, { device_id: 'dév' }), 'has an unusable device_id'],
    ];
    for (const [parameters, said] of cases) {
      expect(await failure(finishAuthorization(registry, transaction, parameters)), parameters.toString()).toMatchObject({
        name: 'SignInError',
        code: 'invalid_callback',
        status: 400,
        message: `This sign-in response from Acme ${said}, which Acme needs with the code. Please sign in again.`,
      });
    }
    expect(tokenForms).toHaveLength(0);
    // The longest value taken: 256 characters.
    await finishAuthorization(registry, transaction, callback(transaction, { device_id: 'd'.repeat(256) }));
    expect(tokenForms[0]!.get('device_id')).toHaveLength(256);
  });

  it('with callbackParametersResent an error answer without a code is read as the error it is', async () => {
    const registry = new ProviderRegistry([plain({ callbackParametersResent: ['device_id'] })]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    const denied = new URLSearchParams({ error: 'access_denied', state: transaction.state });
    expect(await failure(finishAuthorization(registry, transaction, denied))).toMatchObject({ name: 'SignInError', code: 'access_denied' });
  });

  it('with tokenRequestsSendScope the code exchange sends the scope its authorization request asked for; without it, none', async () => {
    const registry = new ProviderRegistry([plain({ tokenRequestsSendScope: true, scope: 'user.identity user.email' }), plain({ name: 'plain' })]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    await finishAuthorization(registry, transaction, callback(transaction));
    expect(tokenForms[0]!.get('scope')).toBe('user.identity user.email');
    expect(tokenForms[0]!.get('code')).toBe('code-1');
    // An incremental authorization's scope is the one it asked for, not the configured one.
    const incremental = await startAuthorization(registry, 'acme', REDIRECT_URI, { incrementalScope: 'user.identity user.email tournament.reporter' });
    await finishAuthorization(registry, incremental.transaction, callback(incremental.transaction));
    expect(tokenForms[1]!.get('scope')).toBe('user.identity user.email tournament.reporter');
    const other = await startAuthorization(registry, 'plain', REDIRECT_URI);
    await finishAuthorization(registry, other.transaction, callback(other.transaction));
    expect(tokenForms[2]!.has('scope')).toBe(false);
  });

  it('with tokenRequestsInQuery the code exchange is a GET whose query holds the parameters and the client, with no body', async () => {
    const registry = new ProviderRegistry([plain({ tokenRequestsInQuery: true })]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    const result = await finishAuthorization(registry, transaction, callback(transaction));
    expect(result.identity.subject).toBe('42');
    expect(result.tokens).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1' });
    expect(tokenForms).toHaveLength(0);
    expect(tokenQueries).toHaveLength(1);
    const [request] = tokenQueries;
    expect(request).toMatchObject({ method: 'GET', body: '', contentType: undefined });
    expect(Object.fromEntries(request!.parameters)).toMatchObject({ grant_type: 'authorization_code', code: 'code-1', redirect_uri: REDIRECT_URI, client_id: 'client-1', client_secret: 'secret-1' });
  });

  it("with tokenRequestsInQuery and a tokenRequest hook, the query holds the parameters as the hook made them", async () => {
    const tokenRequest = ({ body, headers }: { body: URLSearchParams; headers: Record<string, string> }) => ({ body: new URLSearchParams([...body, ['scope', 'crm']]).toString(), headers });
    const registry = new ProviderRegistry([plain({ tokenRequestsInQuery: true, hooks: { tokenRequest } })]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    await finishAuthorization(registry, transaction, callback(transaction));
    expect(Object.fromEntries(tokenQueries[0]!.parameters)).toMatchObject({ grant_type: 'authorization_code', code: 'code-1', scope: 'crm' });
  });

  it('with tokenRequestsInQuery a refused code is read as any RFC 6749 §5.2 refusal: SignInError invalid_grant, naming neither the URL asked nor the secret in it', async () => {
    answerToken = () => ({ status: 400, body: { error: 'invalid_grant', error_description: 'The code has expired' } });
    const registry = new ProviderRegistry([plain({ tokenRequestsInQuery: true })]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    const refused = await failure(finishAuthorization(registry, transaction, callback(transaction)));
    expect(refused).toMatchObject({ code: 'invalid_grant', status: 400, name: 'SignInError' });
    expect(tokenQueries[0]!.method).toBe('GET');
    // The URL asked holds the client secret: nothing in the error, nor the answer it keeps, names it.
    const said: string[] = [];
    for (let error: unknown = refused; error instanceof Error; error = error.cause) said.push(error.message, String((error as { response?: Response }).response?.url ?? ''));
    expect(said.join(' ')).not.toContain('secret-1');
    expect(said.join(' ')).not.toContain('/token?');
  });

  it('a user API that names no subject is provider_bad_response', async () => {
    answerUserinfo = () => ({ status: 200, body: { login: 'ada' } });
    const registry = new ProviderRegistry([plain()]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    expect(await failure(finishAuthorization(registry, transaction, callback(transaction)))).toMatchObject({
      code: 'provider_bad_response',
      message: 'Acme gave an answer to the sign-in that failed validation (invalid response).',
    });
  });

  it('the subject is `sub` when no subject claim is configured', async () => {
    answerUserinfo = () => ({ status: 200, body: { sub: 'u-9' } });
    const registry = new ProviderRegistry([plain({ subjectClaim: undefined })]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    expect((await finishAuthorization(registry, transaction, callback(transaction))).identity.subject).toBe('u-9');
  });

  it("the scope granted is what a preset's grantedScope hook reads in the callback, kept to what was asked for, when the token answer names none", async () => {
    const commas = (parameters: URLSearchParams) => parameters.get('scope')?.split(',').join(' ');
    const registry = new ProviderRegistry([plain({ scope: 'read activity:read_all', hooks: { grantedScope: commas } })]);
    const granted = async (parameters: Record<string, string>) => {
      const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
      return (await finishAuthorization(registry, transaction, callback(transaction, parameters))).tokens.scope;
    };
    expect(await granted({ scope: 'read' })).toBe('read');
    expect(await granted({ scope: 'read,activity:write,activity:read_all' })).toBe('read activity:read_all');
    expect(await granted({})).toBe('read activity:read_all');
    answerToken = () => ({ status: 200, body: { access_token: 'at-1', token_type: 'Bearer', scope: 'activity:read_all' } });
    expect(await granted({ scope: 'read' })).toBe('activity:read_all');
  });

  it('keeps the API origin the token answer names for this connection', async () => {
    answerToken = () => ({ status: 200, body: { access_token: 'at-1', token_type: 'Bearer', instance_url: 'https://eu1.acme.test' } });
    const registry = new ProviderRegistry([plain({ connectionApiBase: { member: 'instance_url', domains: ['acme.test'] } })]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    expect((await finishAuthorization(registry, transaction, callback(transaction))).tokens.apiBaseUrl).toBe('https://eu1.acme.test');
  });

  it('with idTokenUnused, asks for the openid scope with no nonce, and signs in from the user API, the ID token of the answer dropped unread', async () => {
    answerToken = () => ({ status: 200, body: { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-1', id_token: 'not.a.checked-token' } });
    const registry = new ProviderRegistry([plain({ scope: 'openid email', idTokenUnused: true })]);
    const { transaction, authorizationUrl } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    expect(authorizationUrl.searchParams.get('scope')).toBe('openid email');
    expect(authorizationUrl.searchParams.has('nonce')).toBe(false);
    const completed = await finishAuthorization(registry, transaction, callback(transaction));
    expect(completed.identity).toMatchObject({ subject: '42', email: 'ada@acme.test', providerSessionId: null });
    expect(completed.tokens).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1', idToken: null, scope: 'openid email' });
  });

  it('sends the access token to the user API under the scheme the provider documents for it, and nowhere else', async () => {
    answerToken = () => ({ status: 200, body: { access_token: 'at-1', token_type: 'bearer' } });
    const registry = new ProviderRegistry([plain({ userinfoTokenScheme: 'OAuth' })]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    expect((await finishAuthorization(registry, transaction, callback(transaction))).identity.subject).toBe('42');
    expect(userinfoHeaders.map((headers) => headers.authorization)).toEqual(['OAuth at-1']);
  });

  it('with userinfoTokenInForm the user API is a POST of a form with the client id and the access token, with no Authorization', async () => {
    const registry = new ProviderRegistry([plain({ userinfoTokenInForm: true, accessTokenParameter: 'access_token' })]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    expect((await finishAuthorization(registry, transaction, callback(transaction))).identity.subject).toBe('42');
    expect(userinfoHeaders.map((headers) => headers.authorization)).toEqual([undefined]);
    expect(userinfoQueries).toEqual(['']);
    expect(userinfoRequests).toEqual([{ method: 'POST', contentType: 'application/x-www-form-urlencoded', body: 'client_id=client-1&access_token=at-1' }]);
  });

  it('sends the access token to the user API in the header the provider takes it in, with no Authorization', async () => {
    const registry = new ProviderRegistry([plain({ accessTokenHeader: 'x-shopify-access-token' })]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    expect((await finishAuthorization(registry, transaction, callback(transaction))).identity.subject).toBe('42');
    expect(userinfoHeaders.map((headers) => [headers['x-shopify-access-token'], headers.authorization])).toEqual([['at-1', undefined]]);
  });

  it('sends the access token to the user API in the query parameter the provider takes it in, with no Authorization', async () => {
    const registry = new ProviderRegistry([plain({ accessTokenParameter: 'oauth_token' })]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    expect((await finishAuthorization(registry, transaction, callback(transaction))).identity.subject).toBe('42');
    expect(userinfoHeaders.map((headers) => headers.authorization)).toEqual([undefined]);
    expect(userinfoQueries).toEqual(['?oauth_token=at-1']);
  });

  it('keeps the API base the user API names for this connection, read from the answer that gave the subject', async () => {
    answerUserinfo = () => ({ status: 200, body: { id: 42, name: 'Ada', api_endpoint: 'https://us6.api.acme.test/' } });
    const registry = new ProviderRegistry([plain({ connectionApiBase: { profileMember: 'api_endpoint', domains: ['api.acme.test'] } })]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    const { identity, tokens } = await finishAuthorization(registry, transaction, callback(transaction));
    expect(identity.subject).toBe('42');
    expect(tokens.apiBaseUrl).toBe('https://us6.api.acme.test');
    expect(userinfoHeaders).toHaveLength(1);
  });

  it('refuses a sign-in whose user API names an API base off its domains, or none: 502, no tokens given back', async () => {
    const registry = new ProviderRegistry([plain({ connectionApiBase: { profileMember: 'api_endpoint', domains: ['api.acme.test'] } })]);
    for (const [api_endpoint, message] of [
      ['https://collector.example.net', 'Acme named an API origin (api_endpoint) outside its own domains; no token is sent there.'],
      ['https://us6.api.acme.test@collector.example.net', 'Acme named an API origin (api_endpoint) outside its own domains; no token is sent there.'],
      [undefined, 'Acme did not name an API origin (api_endpoint) for this connection; nothing was kept.'],
    ] as const) {
      answerUserinfo = () => ({ status: 200, body: { id: 42, name: 'Ada', api_endpoint } });
      const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
      await expect(finishAuthorization(registry, transaction, callback(transaction))).rejects.toMatchObject({ code: 'provider_bad_response', status: 502, message });
    }
  });
});

describe('finishAuthorization refusals', () => {
  async function started(overrides: Partial<ProviderSettings> = {}) {
    const registry = new ProviderRegistry([plain(overrides)]);
    return { registry, transaction: (await startAuthorization(registry, 'acme', REDIRECT_URI)).transaction };
  }

  it('access_denied from the provider (in any case) is a cancelled sign-in; another error names it', async () => {
    const { registry, transaction } = await started();
    const denied = await failure(finishAuthorization(registry, transaction, new URLSearchParams({ error: 'access_denied', state: transaction.state })));
    expect(denied).toMatchObject({ code: 'access_denied', status: 400, message: 'Sign-in with Acme was cancelled or refused at Acme.' });
    const capitals = await failure(finishAuthorization(registry, transaction, new URLSearchParams({ error: 'ACCESS_DENIED', state: transaction.state })));
    expect(capitals).toMatchObject({ code: 'access_denied', status: 400, message: 'Sign-in with Acme was cancelled or refused at Acme.', providerError: 'ACCESS_DENIED' });
    const other = await failure(finishAuthorization(registry, transaction, new URLSearchParams({ error: 'temporarily_unavailable', state: transaction.state })));
    expect(other).toMatchObject({ code: 'authorization_error', status: 400, message: 'Acme could not complete the sign-in (temporarily_unavailable).' });
    expect(tokenForms).toHaveLength(0);
  });

  it('a callback with another state, or another issuer (RFC 9207), is invalid_callback and no code is exchanged', async () => {
    const { registry, transaction } = await started();
    expect(await failure(finishAuthorization(registry, transaction, callback(transaction, { state: 'forged' })))).toMatchObject({ code: 'invalid_callback', status: 400 });
    expect(await failure(finishAuthorization(registry, transaction, callback(transaction, { iss: 'https://evil.example' })))).toMatchObject({ code: 'invalid_callback' });
    expect(tokenForms).toHaveLength(0);
  });

  it('a callback without a code, or with the code, state or iss twice, is invalid_callback (a malformed callback, not the provider’s fault) and nothing is sent', async () => {
    const { registry, transaction } = await started();
    const withoutCode = new URLSearchParams({ state: transaction.state });
    const twice = (name: string, first: string, second = first) => {
      const parameters = callback(transaction);
      parameters.delete(name);
      parameters.append(name, first);
      parameters.append(name, second);
      return parameters;
    };
    for (const parameters of [withoutCode, twice('code', 'code-1', 'code-2'), twice('code', 'code-1'), twice('state', transaction.state), twice('iss', origin)]) {
      expect(await failure(finishAuthorization(registry, transaction, parameters)), parameters.toString()).toMatchObject({
        name: 'SignInError',
        code: 'invalid_callback',
        status: 400,
        message: 'This sign-in response is incomplete: it needs exactly one code, and each parameter once. Please sign in with Acme again.',
      });
    }
    expect(tokenForms).toHaveLength(0);
  });

  it("a callback a preset's verifyCallback hook refuses is invalid_callback and no code is exchanged; one it takes signs in, and an error response is not asked about", async () => {
    const seen: Array<[string, string]> = [];
    const verifyCallback = (parameters: URLSearchParams, clientSecret: string) => (seen.push([parameters.toString(), clientSecret]), parameters.get('sig') === 'good');
    const { registry, transaction } = await started({ hooks: { verifyCallback } });
    expect(await failure(finishAuthorization(registry, transaction, callback(transaction, { sig: 'forged' })))).toMatchObject({
      name: 'SignInError',
      code: 'invalid_callback',
      status: 400,
      message: 'This sign-in response is not signed by Acme as it should be. Please sign in again.',
    });
    expect(tokenForms).toHaveLength(0);
    expect(seen).toEqual([[callback(transaction, { sig: 'forged' }).toString(), 'secret-1']]);
    const denied = await failure(finishAuthorization(registry, transaction, new URLSearchParams({ error: 'access_denied', state: transaction.state })));
    expect(denied).toMatchObject({ code: 'access_denied' });
    expect(seen).toHaveLength(1);
    const { identity } = await finishAuthorization(registry, transaction, callback(transaction, { sig: 'good' }));
    expect(identity.subject).toBe('42');
    expect(tokenForms).toHaveLength(1);
  });

  it("a code a preset's codeExchangeServer hook says belongs to a server of another origin is exchanged there when it is a regional server, else invalid_callback and not exchanged; the token endpoint's own origin, or none named, signs in", async () => {
    const codeExchangeServer = (parameters: URLSearchParams) => parameters.get('accounts-server') ?? undefined;
    // The same test server under another origin stands for the regional one.
    const regional = origin.replace('127.0.0.1', 'localhost');
    const { registry, transaction } = await started({ hooks: { codeExchangeServer }, regionalServers: [regional] });
    for (const elsewhere of ['https://accounts.example.eu', `${origin}.example`, 'not a url']) {
      expect(await failure(finishAuthorization(registry, transaction, callback(transaction, { 'accounts-server': elsewhere })))).toMatchObject({
        name: 'SignInError',
        code: 'invalid_callback',
        status: 400,
        message: `This Acme account is served by Acme's server ${elsewhere}, which this site does not sign in with (ACME_REGIONAL_SERVERS lists those it does), so it cannot be connected here.`,
      });
    }
    expect(tokenForms).toHaveLength(0);
    const denied = await failure(finishAuthorization(registry, transaction, new URLSearchParams({ error: 'access_denied', state: transaction.state, 'accounts-server': 'https://accounts.example.eu' })));
    expect(denied).toMatchObject({ code: 'access_denied' });
    const home = await finishAuthorization(registry, transaction, callback(transaction, { 'accounts-server': `${origin}/` }));
    expect(home.identity.subject).toBe('42');
    expect(home.tokens.authorizationServerUrl).toBeUndefined();
    expect((await finishAuthorization(registry, transaction, callback(transaction))).identity.subject).toBe('42');
    const there = await finishAuthorization(registry, transaction, callback(transaction, { 'accounts-server': `${regional}/` }));
    expect(there.identity.subject).toBe('42');
    expect(there.tokens.authorizationServerUrl).toBe(regional);
    expect(tokenForms).toHaveLength(3);
    // The hook is told the configured token endpoint, beside which a provider may name its servers.
    const told: Array<string | undefined> = [];
    const beside = await started({ hooks: { codeExchangeServer: (parameters, tokenEndpoint) => (told.push(tokenEndpoint), parameters.get('accounts-server') ?? undefined) }, regionalServers: [regional] });
    await finishAuthorization(beside.registry, beside.transaction, callback(beside.transaction, { 'accounts-server': regional }));
    expect(told).toEqual([`${origin}/token`]);
    expect(tokenForms).toHaveLength(4);
    // A host alone, as Datadog's api.<domain>: the token endpoint's http here, where the provider's URLs may be http.
    const byHost = await finishAuthorization(registry, transaction, callback(transaction, { 'accounts-server': new URL(regional).host }));
    expect(byHost.tokens.authorizationServerUrl).toBe(regional);
    expect(tokenForms).toHaveLength(5);
    expect(await failure(finishAuthorization(registry, transaction, callback(transaction, { 'accounts-server': `${new URL(regional).host}.example` })))).toMatchObject({ code: 'invalid_callback', status: 400 });
    expect(tokenForms).toHaveLength(5);
  });

  it("a provider whose API is on its regional servers (connectionApiBase regionalServerPath): a connection made at one has that server's origin and path as its API base; one made at the configured server keeps apiBaseUrl (none stored)", async () => {
    const codeExchangeServer = (parameters: URLSearchParams) => parameters.get('accounts-server') ?? undefined;
    const regional = origin.replace('127.0.0.1', 'localhost');
    const { registry, transaction } = await started({ hooks: { codeExchangeServer }, regionalServers: [regional], apiBaseUrl: `${origin}/api`, connectionApiBase: { regionalServerPath: '/api' } });
    const there = await finishAuthorization(registry, transaction, callback(transaction, { 'accounts-server': regional }));
    expect(there.tokens).toMatchObject({ authorizationServerUrl: regional, apiBaseUrl: `${regional}/api` });
    const home = await finishAuthorization(registry, transaction, callback(transaction, { 'accounts-server': origin }));
    expect(home.tokens.authorizationServerUrl).toBeUndefined();
    expect(home.tokens.apiBaseUrl).toBeUndefined();
  });

  it('a transaction started with another provider configuration is transaction_mismatch', async () => {
    const { registry, transaction } = await started();
    expect(await failure(finishAuthorization(registry, { ...transaction, issuer: 'https://elsewhere.example' }, callback(transaction)))).toMatchObject({ code: 'transaction_mismatch', status: 400 });
    expect(await failure(finishAuthorization(registry, { ...transaction, clientId: 'other-client' }, callback(transaction)))).toMatchObject({ code: 'transaction_mismatch' });
  });

  it('a code the provider refuses (invalid_grant) is the person’s to retry: SignInError invalid_grant', async () => {
    const { registry, transaction } = await started();
    answerToken = () => ({ status: 400, body: { error: 'invalid_grant' } });
    expect(await failure(finishAuthorization(registry, transaction, callback(transaction)))).toMatchObject({ code: 'invalid_grant', status: 400, name: 'SignInError' });
  });

  it('another refusal of the code exchange is our configuration’s fault: provider_error (502)', async () => {
    const { registry, transaction } = await started();
    answerToken = () => ({ status: 401, body: { error: 'invalid_client' } });
    expect(await failure(finishAuthorization(registry, transaction, callback(transaction)))).toMatchObject({
      code: 'provider_error',
      status: 502,
      message: 'Acme refused the sign-in (invalid_client); check the client id, secret and redirect URI registered there.',
    });
  });

  it('a refusal of the code exchange that names DPoP, for a provider configured without it, says to turn it on: 502, whatever its code', async () => {
    for (const error of ['invalid_request', 'invalid_grant', 'invalid_dpop_proof']) {
      answerToken = () => ({ status: 400, body: { error, error_description: 'DPoP proof is missing' } });
      const { registry, transaction } = await started();
      expect(await failure(finishAuthorization(registry, transaction, callback(transaction)))).toMatchObject({
        name: 'ProviderUnavailableError',
        code: 'provider_error',
        status: 502,
        message: `Acme refused the sign-in (${error}): its client must bind tokens with DPoP; set ACME_DPOP=on.`,
      });
    }
  });

  it('a token endpoint that fails is the provider fault it is', async () => {
    const { registry, transaction } = await started();
    answerToken = () => ({ status: 503 });
    expect(await failure(finishAuthorization(registry, transaction, callback(transaction)))).toMatchObject({ code: 'provider_unavailable', status: 503 });
  });
});

describe('finishAuthorization with a provider that renews access tokens themselves (renewAccessToken)', () => {
  /** The hook as a preset writes it: the live token presented to the renewal endpoint, a refusal read from its answer. */
  const renewAccessToken: NonNullable<ProviderHooks['renewAccessToken']> = async ({ stage, accessToken, clientSecret, send }) => {
    const answer = await send(`${origin}/renew?${new URLSearchParams({ stage, access_token: accessToken, client_secret: clientSecret })}`, { method: 'GET', headers: {} });
    const body = (await answer.json()) as Record<string, unknown>;
    if (answer.status === 400) throw new AccessTokenRenewalRefused(String(body.message));
    return answer.ok ? body : undefined;
  };
  const renewing = () => plain({ hooks: { renewAccessToken } });

  beforeEach(() => {
    answerToken = () => ({ status: 200, body: { access_token: 'at-short', token_type: 'Bearer', expires_in: 3600 } });
  });

  it('swaps the code exchange’s token at once: the renewed one is stored with its own lifetime, and the profile is read with it', async () => {
    const registry = new ProviderRegistry([renewing()]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    const completed = await finishAuthorization(registry, transaction, callback(transaction), () => NOW);
    expect(renewRequests.map((query) => Object.fromEntries(query))).toEqual([{ stage: 'sign-in', access_token: 'at-short', client_secret: 'secret-1' }]);
    expect(userinfoHeaders.at(-1)?.authorization).toBe('Bearer at-long');
    expect(completed.tokens).toMatchObject({ accessToken: 'at-long', refreshToken: null, tokenType: 'bearer', scope: 'read:user', expiresAt: NOW + 5_184_000 });
  });

  it('a hook that keeps the token (undefined) leaves the code exchange’s as it was', async () => {
    answerRenew = () => ({ status: 204 });
    const registry = new ProviderRegistry([plain({ hooks: { renewAccessToken: async () => undefined } })]);
    const { transaction } = await startAuthorization(registry, 'acme', REDIRECT_URI);
    expect((await finishAuthorization(registry, transaction, callback(transaction), () => NOW)).tokens).toMatchObject({ accessToken: 'at-short', expiresAt: NOW + 3600 });
  });

  it('a renewal refused, or answered without an access token, fails the sign-in with a 502: nothing comes back to store', async () => {
    const registry = new ProviderRegistry([renewing()]);
    answerRenew = () => ({ status: 400, body: { message: 'Error validating access token', code: 190 } });
    const refused = await startAuthorization(registry, 'acme', REDIRECT_URI);
    expect(await failure(finishAuthorization(registry, refused.transaction, callback(refused.transaction)))).toMatchObject({
      code: 'provider_error',
      status: 502,
      message: 'Acme refused to renew the access token: Error validating access token (the token it had just issued at sign-in).',
    });
    answerRenew = () => ({ status: 200, body: { token_type: 'bearer', expires_in: 60 } });
    const empty = await startAuthorization(registry, 'acme', REDIRECT_URI);
    expect(await failure(finishAuthorization(registry, empty.transaction, callback(empty.transaction)))).toMatchObject({
      code: 'provider_bad_response',
      message: 'Acme answered the access token renewal with no access_token.',
    });
    answerRenew = () => ({ status: 200, body: { access_token: 'at-long', expires_in: '60' } });
    const badLifetime = await startAuthorization(registry, 'acme', REDIRECT_URI);
    expect(await failure(finishAuthorization(registry, badLifetime.transaction, callback(badLifetime.transaction)))).toMatchObject({ code: 'provider_bad_response' });
  });
});
