import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { linear } from './linear.js';

const { authorizationScope, tokenResponse, profileClaims, revoke } = linear.settings({}).hooks!;

describe('linear authorizationScope: the scopes comma-joined', () => {
  it('joins them with commas, dropping empty names', () => {
    expect(authorizationScope!('read  write issues:create')).toBe('read,write,issues:create');
    expect(authorizationScope!('read')).toBe('read');
  });
});

describe('linear tokenResponse: an older app’s scope array', () => {
  it('joins a scope array with spaces, the rest of the answer as it was', async () => {
    const answer = await tokenResponse!(new Response(JSON.stringify({ access_token: 'a', token_type: 'Bearer', expires_in: 86399, scope: ['read', 'write'] }), { status: 200, headers: { 'content-type': 'application/json' } }));
    expect(await answer.json()).toEqual({ access_token: 'a', token_type: 'Bearer', expires_in: 86399, scope: 'read write' });
  });

  it('passes a space-separated scope and an error on untouched', async () => {
    const original = new Response(JSON.stringify({ access_token: 'a', token_type: 'Bearer', scope: 'read write' }), { status: 200 });
    expect(await tokenResponse!(original)).toBe(original);
    const refusal = new Response(JSON.stringify({ error: 'invalid_grant' }), { status: 400 });
    expect(await tokenResponse!(refusal)).toBe(refusal);
  });
});

describe('linear profileClaims: the viewer of the GraphQL answer', () => {
  it('takes data.viewer', () => {
    expect(profileClaims!({ data: { viewer: { id: 'b5e0', name: 'Ada', email: 'ada@linear.test' } } })).toEqual({ id: 'b5e0', name: 'Ada', email: 'ada@linear.test' });
  });

  it.each([[{ data: null, errors: [{ message: 'Authentication required, not authenticated' }] }], [{ data: { viewer: null } }], [{ viewer: { id: 'x' } }], [null], [[]]])('finds no profile in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('linear revoke: the access token as Bearer, or the refresh token as a form field', () => {
  const request = (status: number, state: Partial<RevocationRequest> = {}) =>
    revocationRequest(answer(status), { revocationEndpoint: 'https://api.linear.app/oauth/revoke', accessToken: 'lin_oauth_live', refreshToken: 'lin_refresh', ...state });

  it('200 to the Bearer access token is revoked', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toEqual([{ url: 'https://api.linear.app/oauth/revoke', init: { method: 'POST', headers: { authorization: 'Bearer lin_oauth_live' } } }]);
  });

  it('sends the refresh token when the access token expired and its refresh failed, unless Linear refused the refresh token', async () => {
    const expired = request(200, { accessTokenExpired: true });
    expect(await revoke!(expired.value)).toBe('revoked');
    expect(expired.sent[0]!.init).toEqual({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'refresh_token=lin_refresh' });
    const refused = request(401, { accessTokenExpired: true, refreshTokenRefused: true });
    expect(await revoke!(refused.value)).toBe('already_revoked');
    expect(refused.sent[0]!.init.headers).toEqual({ authorization: 'Bearer lin_oauth_live' });
  });

  it('400 or 401 for a live token is already revoked; for an expired access token with no refresh token, a refusal', async () => {
    expect(await revoke!(request(400).value)).toBe('already_revoked');
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    await expect(revoke!(request(401, { accessTokenExpired: true, refreshToken: null }).value)).rejects.toMatchObject({ code: 'provider_bad_response', message: 'Linear refused the token revocation (HTTP 401).' });
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error' });
  });

  it('needs the revocation endpoint', async () => {
    await expect(revoke!(request(200, { revocationEndpoint: undefined }).value)).rejects.toThrow('Linear revocation needs the revocation endpoint');
  });
});
