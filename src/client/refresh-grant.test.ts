import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderRegistry } from './provider-registry.js';
import type { ProviderSettings } from './provider-settings.js';
import { InvalidGrantError, requestTokenRefresh } from './refresh-grant.js';
import type { StoredTokenSet } from './token-store.js';

const NOW = 1_800_000_000;

/**
 * A discovery document, token endpoint and JWKS on 127.0.0.1; the token
 * endpoint answers what the test set. ID tokens are ES256, which discovery
 * names (OIDC Discovery §3): its keys are quick to make.
 */
let server: Server;
let origin: string;
let signingKey: CryptoKey;
let publicJwk: JWK;
let answer: { status: number; body: unknown; headers?: Record<string, string> };
/** The form of the last request to the token endpoint. */
let tokenRequest: URLSearchParams | undefined;
/** The grant types asked of the token endpoint, in order; and the answer to a client-credentials grant where a test sets one. */
let grantTypes: string[] = [];
let clientCredentialsAnswer: typeof answer | undefined;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  signingKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/token') tokenRequest = new URLSearchParams(Buffer.concat(chunks).toString());
      if (req.url === '/token') grantTypes.push(tokenRequest!.get('grant_type') ?? '');
      const granting = req.url === '/token' && tokenRequest!.get('grant_type') === 'client_credentials' ? clientCredentialsAnswer : undefined;
      const metadata = { issuer: origin, authorization_endpoint: `${origin}/authorize`, token_endpoint: `${origin}/token`, jwks_uri: `${origin}/jwks`, id_token_signing_alg_values_supported: ['ES256'] };
      const body =
        req.url === '/jwks' ? { status: 200, body: { keys: [publicJwk] } } : req.url === '/.well-known/openid-configuration' ? { status: 200, body: metadata } : (granting ?? answer);
      res.writeHead(body.status, { 'content-type': 'application/json', ...('headers' in body ? body.headers : {}) }).end(JSON.stringify(body.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  answer = { status: 200, body: { access_token: 'at-2', token_type: 'Bearer', expires_in: 600 } };
  grantTypes = [];
  clientCredentialsAnswer = undefined;
});

function settings(overrides: Partial<ProviderSettings> = {}): ProviderSettings {
  return {
    name: 'acme',
    displayName: 'Acme',
    clientId: 'client-1',
    clientSecret: 'secret-1',
    tokenEndpointAuthMethod: 'client_secret_basic',
    discovery: { issuer: origin },
    scope: 'openid',
    allowInsecureHttp: true,
    ...overrides,
  };
}

/** The ID token kept from the sign-in: only its claims are read, so it need not be signed here. */
const signInIdToken = ({ sub, aud, ...others }: { sub: string; aud: string | string[]; user_id?: string }) =>
  new UnsecuredJWT(others).setIssuer(origin).setSubject(sub).setAudience(aud).encode();

function stored(overrides: Partial<StoredTokenSet> = {}): StoredTokenSet {
  return {
    userId: 'u1',
    provider: 'acme',
    accessToken: 'at-1',
    refreshToken: 'rt-1',
    idToken: null,
    tokenType: 'Bearer',
    scope: 'openid',
    expiresAt: NOW,
    issuedAt: NOW - 600,
    status: 'active',
    lastError: null,
    lastRefreshedAt: null,
    ...overrides,
  };
}

async function refreshedIdToken(sub: string, claims: Record<string, string> = {}): Promise<string> {
  const seconds = Math.floor(Date.now() / 1000);
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(origin).setAudience('client-1').setSubject(sub).setIssuedAt(seconds).setExpirationTime(seconds + 300).sign(signingKey);
}

describe('requestTokenRefresh', () => {
  it('returns the refreshed set, its expiry from the injected clock, keeping the requested scope', async () => {
    const set = await requestTokenRefresh(new ProviderRegistry([settings()]), stored(), () => NOW);
    expect(set).toEqual({ accessToken: 'at-2', refreshToken: null, idToken: null, tokenType: 'bearer', scope: 'openid', expiresAt: NOW + 600, issuedAt: NOW });
  });

  it('a refresh token handed back unchanged (LinkedIn) is the one kept, its restated expiry with it; a new one is new', async () => {
    answer = { status: 200, body: { access_token: 'at-2', token_type: 'Bearer', expires_in: 600, refresh_token: 'rt-1', refresh_token_expires_in: 86_000 } };
    expect(await requestTokenRefresh(new ProviderRegistry([settings()]), stored(), () => NOW)).toMatchObject({ refreshToken: null, refreshTokenExpiresAt: NOW + 86_000 });
    answer = { status: 200, body: { access_token: 'at-2', token_type: 'Bearer', expires_in: 600, refresh_token: 'rt-2' } };
    expect(await requestTokenRefresh(new ProviderRegistry([settings()]), stored(), () => NOW)).toMatchObject({ refreshToken: 'rt-2' });
  });

  it('reads the optional members an answer sends as null (Imgur’s scope, a refresh_token: null) as absent: the old refresh token and the scope asked are kept', async () => {
    answer = { status: 200, body: { access_token: 'at-2', token_type: 'Bearer', expires_in: 600, refresh_token: null, scope: null } };
    const set = await requestTokenRefresh(new ProviderRegistry([settings()]), stored(), () => NOW);
    expect(set).toMatchObject({ accessToken: 'at-2', refreshToken: null, scope: 'openid', expiresAt: NOW + 600 });
  });

  it('accepts a refreshed ID token for the same identity (OIDC Core §12.2), whatever the form of its audience', async () => {
    answer = { status: 200, body: { access_token: 'at-2', token_type: 'Bearer', id_token: await refreshedIdToken('user-1') } };
    const set = await requestTokenRefresh(new ProviderRegistry([settings()]), stored({ idToken: signInIdToken({ sub: 'user-1', aud: ['client-1'] }) }), () => NOW);
    expect(set.idToken).toBe((answer.body as { id_token: string }).id_token);
  });

  it('refuses a refreshed ID token for another subject: provider_bad_response', async () => {
    answer = { status: 200, body: { access_token: 'at-2', token_type: 'Bearer', id_token: await refreshedIdToken('someone-else') } };
    const refresh = requestTokenRefresh(new ProviderRegistry([settings()]), stored({ idToken: signInIdToken({ sub: 'user-1', aud: 'client-1' }) }), () => NOW);
    await expect(refresh).rejects.toMatchObject({ code: 'provider_bad_response', status: 502, message: 'Acme returned an ID token for a different identity on refresh; it was rejected.' });
  });

  it('with idTokenSubjectClaim the identity is that claim: a login-name sub changed in between is the same person, another or a missing claim is not', async () => {
    const registry = new ProviderRegistry([settings({ idTokenSubjectClaim: 'user_id' })]);
    const signedIn = stored({ idToken: signInIdToken({ sub: 'ada', aud: 'client-1', user_id: 'guid-1' }) });
    answer = { status: 200, body: { access_token: 'at-2', token_type: 'Bearer', id_token: await refreshedIdToken('ada.lovelace', { user_id: 'guid-1' }) } };
    expect((await requestTokenRefresh(registry, signedIn, () => NOW)).idToken).toBe((answer.body as { id_token: string }).id_token);
    for (const claims of [{ user_id: 'guid-2' }, {}] as Array<Record<string, string>>) {
      answer = { status: 200, body: { access_token: 'at-2', token_type: 'Bearer', id_token: await refreshedIdToken('ada', claims) } };
      await expect(requestTokenRefresh(registry, signedIn, () => NOW)).rejects.toMatchObject({ code: 'provider_bad_response', message: 'Acme returned an ID token for a different identity on refresh; it was rejected.' });
    }
  });

  it('invalid_grant is an InvalidGrantError, for the token manager to turn into needs_reauth', async () => {
    answer = { status: 400, body: { error: 'invalid_grant' } };
    const error = await requestTokenRefresh(new ProviderRegistry([settings()]), stored(), () => NOW).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidGrantError);
    expect(error).toMatchObject({ code: 'invalid_grant' });
  });

  it('invalid_grant with a WWW-Authenticate challenge naming it (Doorkeeper, GitLab’s server, sends one with every refusal) is an InvalidGrantError too', async () => {
    const challenge = 'Bearer realm="Doorkeeper", error="invalid_grant", error_description="The provided authorization grant is invalid."';
    answer = { status: 400, body: { error: 'invalid_grant' }, headers: { 'www-authenticate': challenge } };
    await expect(requestTokenRefresh(new ProviderRegistry([settings()]), stored(), () => NOW)).rejects.toBeInstanceOf(InvalidGrantError);
    // The client refused, the same way: a configuration fault that names the variables to check.
    answer = { status: 401, body: { error: 'invalid_client' }, headers: { 'www-authenticate': 'Bearer realm="Doorkeeper", error="invalid_client"' } };
    await expect(requestTokenRefresh(new ProviderRegistry([settings()]), stored(), () => NOW)).rejects.toMatchObject({
      code: 'provider_error',
      providerError: 'invalid_client',
      message: 'Acme refused the token refresh (invalid_client); check the client id and secret configured for it (ACME_CLIENT_ID, ACME_CLIENT_SECRET).',
    });
  });

  it('invalid_client with a challenge that names no error (RFC 6749 §5.2’s Basic challenge, as Casdoor sends it) is read from the body', async () => {
    answer = { status: 401, body: { error: 'invalid_client', error_description: 'client_secret is invalid' }, headers: { 'www-authenticate': 'Basic realm="OAuth2"' } };
    await expect(requestTokenRefresh(new ProviderRegistry([settings()]), stored(), () => NOW)).rejects.toMatchObject({
      code: 'provider_error',
      providerError: 'invalid_client',
      message: 'Acme refused the token refresh (invalid_client); check the client id and secret configured for it (ACME_CLIENT_ID, ACME_CLIENT_SECRET).',
    });
    // A bare Bearer challenge on a 400 invalid_grant: the person must sign in again.
    answer = { status: 400, body: { error: 'invalid_grant' }, headers: { 'www-authenticate': 'Bearer' } };
    await expect(requestTokenRefresh(new ProviderRegistry([settings()]), stored(), () => NOW)).rejects.toBeInstanceOf(InvalidGrantError);
    // No error in the body either: only the status says what happened.
    answer = { status: 401, body: { message: 'Unauthorized' }, headers: { 'www-authenticate': 'Basic realm="OAuth2"' } };
    await expect(requestTokenRefresh(new ProviderRegistry([settings()]), stored(), () => NOW)).rejects.toMatchObject({
      code: 'provider_error',
      providerError: null,
      message: 'Acme refused the token refresh (HTTP 401).',
    });
  });

  describe('a provider that answers a refused client as a dead refresh token (sameRefusalForClientAndGrant)', () => {
    const registry = () => new ProviderRegistry([settings({ sameRefusalForClientAndGrant: true })]);
    beforeEach(() => {
      answer = { status: 400, body: { error: 'invalid_grant' } };
    });

    it('a refusal is the refresh token’s when a client-credentials grant by the same client is granted: InvalidGrantError', async () => {
      clientCredentialsAnswer = { status: 200, body: { access_token: 'app-1', token_type: 'Bearer', expires_in: 600 } };
      await expect(requestTokenRefresh(registry(), stored(), () => NOW)).rejects.toBeInstanceOf(InvalidGrantError);
      expect(grantTypes).toEqual(['refresh_token', 'client_credentials']);
    });

    it('a refusal is the client’s when the client-credentials grant is refused too: a 502 naming the variables to check, never needs-reauth', async () => {
      clientCredentialsAnswer = { status: 400, body: { error: 'invalid_grant' } };
      const refused = await requestTokenRefresh(registry(), stored(), () => NOW).catch((error: unknown) => error);
      expect(refused).not.toBeInstanceOf(InvalidGrantError);
      expect(refused).toMatchObject({ status: 502, code: 'provider_error', providerError: 'invalid_grant' });
      expect((refused as Error).message).toContain('ACME_CLIENT_ID, ACME_CLIENT_SECRET');
      expect(grantTypes).toEqual(['refresh_token', 'client_credentials']);
    });

    it('a check that fails for another reason (HTTP 500) says nothing of the client or the grant: a provider fault, never needs-reauth', async () => {
      clientCredentialsAnswer = { status: 500, body: { error: 'server_error' } };
      const refused = await requestTokenRefresh(registry(), stored(), () => NOW).catch((error: unknown) => error);
      expect(refused).not.toBeInstanceOf(InvalidGrantError);
      expect(refused).toMatchObject({ status: 502, code: 'provider_error' });
    });

    it('a refresh that succeeds asks nothing more', async () => {
      answer = { status: 200, body: { access_token: 'at-2', token_type: 'Bearer', expires_in: 600 } };
      await requestTokenRefresh(registry(), stored(), () => NOW);
      expect(grantTypes).toEqual(['refresh_token']);
    });
  });

  it('without sameRefusalForClientAndGrant a refusal is taken at its word: one request', async () => {
    answer = { status: 400, body: { error: 'invalid_grant' } };
    await expect(requestTokenRefresh(new ProviderRegistry([settings()]), stored(), () => NOW)).rejects.toBeInstanceOf(InvalidGrantError);
    expect(grantTypes).toEqual(['refresh_token']);
  });

  it('a 429 with Retry-After (Discord’s, Spotify’s rate limits) is provider_unavailable asking that wait, never a refusal of the grant', async () => {
    answer = { status: 429, body: { message: 'You are being rate limited.', retry_after: 64.57, global: false }, headers: { 'retry-after': '65' } };
    await expect(requestTokenRefresh(new ProviderRegistry([settings()]), stored(), () => NOW)).rejects.toMatchObject({
      code: 'provider_unavailable',
      retryAfterSeconds: 65,
      message: 'Acme is limiting requests (HTTP 429) for the token refresh.',
    });
  });

  it.each(['interaction_required', 'login_required', 'consent_required'])('%s (OIDC Core §3.1.2.6: only the person can act) is an InvalidGrantError too', async (code) => {
    answer = { status: 400, body: { error: code } };
    await expect(requestTokenRefresh(new ProviderRegistry([settings()]), stored(), () => NOW)).rejects.toBeInstanceOf(InvalidGrantError);
  });

  it('a refusal that is not the grant’s (invalid_scope) stays a provider_error', async () => {
    answer = { status: 400, body: { error: 'invalid_scope' } };
    await expect(requestTokenRefresh(new ProviderRegistry([settings()]), stored(), () => NOW)).rejects.toMatchObject({ code: 'provider_error', providerError: 'invalid_scope' });
  });

  it('a preset’s tokenResponse hook rewrites the answer before it is read (an error sent with HTTP 200)', async () => {
    answer = { status: 200, body: { error: 'bad_refresh_token' } };
    const tokenResponse = async (response: Response) => {
      const body = (await response.json()) as { error?: string };
      return body.error ? new Response(JSON.stringify({ error: 'invalid_grant' }), { status: 400, headers: { 'content-type': 'application/json' } }) : response;
    };
    const refresh = requestTokenRefresh(new ProviderRegistry([settings({ hooks: { tokenResponse } })]), stored(), () => NOW);
    await expect(refresh).rejects.toBeInstanceOf(InvalidGrantError);
  });

  it('sends the redirect_uri the grant was made with where the provider wants it again (refreshSendsRedirectUri), and only there', async () => {
    const redirectUri = 'https://app.acme.test/auth/acme/callback';
    await requestTokenRefresh(new ProviderRegistry([settings({ refreshSendsRedirectUri: true })]), stored({ redirectUri }), () => NOW);
    expect(tokenRequest?.get('redirect_uri')).toBe(redirectUri);
    expect(tokenRequest?.get('refresh_token')).toBe('rt-1');
    await requestTokenRefresh(new ProviderRegistry([settings()]), stored({ redirectUri }), () => NOW);
    expect(tokenRequest?.has('redirect_uri')).toBe(false);
    // A connection stored before the redirect URI was kept: refreshed without one.
    await requestTokenRefresh(new ProviderRegistry([settings({ refreshSendsRedirectUri: true })]), stored({ redirectUri: null }), () => NOW);
    expect(tokenRequest?.has('redirect_uri')).toBe(false);
  });

  it("sends the connection's stored scope where the provider wants it in every token request (tokenRequestsSendScope), and only there", async () => {
    await requestTokenRefresh(new ProviderRegistry([settings({ tokenRequestsSendScope: true })]), stored({ scope: 'user.identity user.email' }), () => NOW);
    expect(tokenRequest?.get('scope')).toBe('user.identity user.email');
    expect(tokenRequest?.get('refresh_token')).toBe('rt-1');
    await requestTokenRefresh(new ProviderRegistry([settings()]), stored({ scope: 'user.identity user.email' }), () => NOW);
    expect(tokenRequest?.has('scope')).toBe(false);
    // A connection stored with no scope: refreshed without one, never with an empty one.
    await requestTokenRefresh(new ProviderRegistry([settings({ tokenRequestsSendScope: true })]), stored({ scope: '' }), () => NOW);
    expect(tokenRequest?.has('scope')).toBe(false);
    // Beside the redirect URI, for a provider that wants both again.
    const redirectUri = 'https://app.acme.test/auth/acme/callback';
    await requestTokenRefresh(new ProviderRegistry([settings({ tokenRequestsSendScope: true, refreshSendsRedirectUri: true })]), stored({ scope: 'openid', redirectUri }), () => NOW);
    expect([tokenRequest?.get('scope'), tokenRequest?.get('redirect_uri')]).toEqual(['openid', redirectUri]);
  });

  it('sends the callback parameters kept with the connection that the provider wants again (callbackParametersResent), only those it names now', async () => {
    const callbackParameters = { device_id: 'dev-7Qx_2', ext_id: 'x-1' };
    await requestTokenRefresh(new ProviderRegistry([settings({ callbackParametersResent: ['device_id'] })]), stored({ callbackParameters }), () => NOW);
    expect(tokenRequest?.get('device_id')).toBe('dev-7Qx_2');
    expect(tokenRequest?.has('ext_id')).toBe(false);
    expect(tokenRequest?.get('refresh_token')).toBe('rt-1');
    await requestTokenRefresh(new ProviderRegistry([settings()]), stored({ callbackParameters }), () => NOW);
    expect(tokenRequest?.has('device_id')).toBe(false);
    // A connection stored before they were kept: refreshed without them.
    await requestTokenRefresh(new ProviderRegistry([settings({ callbackParametersResent: ['device_id'] })]), stored({ callbackParameters: null }), () => NOW);
    expect(tokenRequest?.has('device_id')).toBe(false);
  });

  describe("a connection whose account's home is its API (verifiedAccount: AT Protocol's PDS)", () => {
    const verifying = (verify: () => Promise<{ subject: string; apiBaseUrl: string }>) =>
      settings({ connectionApiBase: { verifiedAccount: true }, hooks: { verifyAccount: verify } });
    const atPds = stored({ apiBaseUrl: 'https://pds-1.example' });

    it('takes the PDS the refresh answer verifies at as the API base when it moved; none (kept) when it is the same', async () => {
      const moved = await requestTokenRefresh(new ProviderRegistry([verifying(async () => ({ subject: 'did:plc:a', apiBaseUrl: 'https://pds-2.example' }))]), atPds, () => NOW);
      expect(moved.apiBaseUrl).toBe('https://pds-2.example');
      const same = await requestTokenRefresh(new ProviderRegistry([verifying(async () => ({ subject: 'did:plc:a', apiBaseUrl: 'https://pds-1.example' }))]), atPds, () => NOW);
      expect(same).not.toHaveProperty('apiBaseUrl');
    });

    it('a verification that fails, or outlasts one provider timeout, keeps the base and still answers the new tokens, which must be saved', async () => {
      const failed = await requestTokenRefresh(new ProviderRegistry([verifying(() => Promise.reject(new Error('directory down')))]), atPds, () => NOW);
      expect(failed).toMatchObject({ accessToken: 'at-2' });
      expect(failed).not.toHaveProperty('apiBaseUrl');
      const started = Date.now();
      const slow = await requestTokenRefresh(new ProviderRegistry([verifying(() => new Promise(() => {}))], { timeoutSeconds: 1 }), atPds, () => NOW);
      expect(slow).toMatchObject({ accessToken: 'at-2' });
      expect(slow).not.toHaveProperty('apiBaseUrl');
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });

  it('a token without a refresh token is a programming error', async () => {
    await expect(requestTokenRefresh(new ProviderRegistry([settings()]), stored({ refreshToken: null }), () => NOW)).rejects.toThrow('requestTokenRefresh needs a refresh token');
  });
});
