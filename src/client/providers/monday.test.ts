import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { revocationRequest } from '../../../test/support/revocation-request.js';
import { monday } from './monday.js';

const { tokenResponse, profileClaims, revoke } = monday.settings({}).hooks!;

/** An unsigned JWT with these claims: the hook reads `exp` only, never the signature. */
function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

const answer = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('monday tokenResponse: expires_in from the access token’s exp', () => {
  it('adds expires_in from the JWT’s exp when the answer has none, the rest as it was', async () => {
    const accessToken = jwt({ exp: Math.floor(Date.now() / 1000) + 3600, uid: 12345678, actid: 7654321 });
    const rebuilt = await tokenResponse!(answer({ access_token: accessToken, refresh_token: 'r', token_type: 'Bearer', scope: 'me:read boards:read' }));
    const body = (await rebuilt.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ access_token: accessToken, refresh_token: 'r', token_type: 'Bearer', scope: 'me:read boards:read' });
    expect(body.expires_in).toBeGreaterThan(3590);
    expect(body.expires_in).toBeLessThanOrEqual(3600);
  });

  it('passes on an answer with its own expires_in, an opaque or past token, and a refusal', async () => {
    const original = answer({ access_token: jwt({ exp: Math.floor(Date.now() / 1000) + 3600 }), token_type: 'Bearer', expires_in: 1800 });
    expect(await tokenResponse!(original)).toBe(original);
    const opaque = answer({ access_token: 'not-a-jwt', token_type: 'Bearer' });
    expect(await tokenResponse!(opaque)).toBe(opaque);
    const past = answer({ access_token: jwt({ exp: Math.floor(Date.now() / 1000) - 10 }), token_type: 'Bearer' });
    expect(await tokenResponse!(past)).toBe(past);
    const noExp = answer({ access_token: jwt({ uid: 1 }), token_type: 'Bearer' });
    expect(await tokenResponse!(noExp)).toBe(noExp);
    const refusal = answer({ error: 'invalid_grant' }, 400);
    expect(await tokenResponse!(refusal)).toBe(refusal);
  });
});

describe('monday profileClaims: the me of the GraphQL answer', () => {
  it('takes data.me, with is_verified as the e-mail’s verification', () => {
    const me = { id: '12345678', name: 'Ada', email: 'ada@monday.test', is_verified: false, account: { id: '7654321', name: 'Acme', slug: 'acme' } };
    expect(profileClaims!({ data: { me } })).toEqual({ ...me, email_verified: false });
    expect(profileClaims!({ data: { me: { id: '1', name: 'B', email: 'b@monday.test' } } })).toEqual({ id: '1', name: 'B', email: 'b@monday.test' });
  });

  it.each([[{ data: { me: null }, errors: [{ message: 'User unauthorized to perform action', extensions: { code: 'USER_UNAUTHORIZED', status_code: 403 } }] }], [{ errors: [{ message: 'Unauthorized' }] }], [{ me: { id: '1' } }], [null], [[]]])('finds no profile in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('monday revoke: a JSON body with the client and the token', () => {
  const request = (status: number, state: Partial<RevocationRequest> = {}) =>
    revocationRequest(() => answer({ success: true }, status), { accessToken: 'access', revocationEndpoint: 'https://auth.monday.com/oauth_ms/oauth/revoke', ...state });

  it('revokes the refresh token with its hint, the client in the body', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://auth.monday.com/oauth_ms/oauth/revoke');
    expect(sent[0]!.init.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent[0]!.init.body!)).toEqual({ token: 'refresh', client_id: 'c', client_secret: 's', token_type_hint: 'refresh_token' });
  });

  it('revokes the access token when there is no refresh token', async () => {
    const { value, sent } = request(200, { refreshToken: null });
    expect(await revoke!(value)).toBe('revoked');
    expect(JSON.parse(sent[0]!.init.body!)).toMatchObject({ token: 'access', token_type_hint: 'access_token' });
  });

  it('any other answer is a refusal', async () => {
    await expect(revoke!(request(401).value)).rejects.toMatchObject({ code: 'provider_bad_response', message: 'monday.com refused the token revocation (HTTP 401).' });
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error' });
    await expect(revoke!(request(200, { revocationEndpoint: undefined }).value)).rejects.toThrow('monday.com revocation needs the revocation endpoint');
  });
});
