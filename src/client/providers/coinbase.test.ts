import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { coinbase } from './coinbase.js';

const { authorizationScope, profileClaims, revoke } = coinbase.settings({}).hooks!;

describe('coinbase authorizationScope: the scopes comma-separated, as Coinbase takes them', () => {
  it('joins the preset scope with commas', () => {
    expect(authorizationScope!('wallet:user:read wallet:user:email wallet:accounts:read offline_access')).toBe('wallet:user:read,wallet:user:email,wallet:accounts:read,offline_access');
  });
});

describe('coinbase profileClaims: the user of /v2/user under data', () => {
  const user = { id: '9da7a204-544e-5fd1-9a12-61176c5d4cd8', name: 'User One', username: 'user1', resource: 'user', resource_path: '/v2/user', email: 'user1@example.com' };

  it('takes the user as Coinbase answers it', () => {
    expect(profileClaims!({ data: user })).toEqual(user);
  });

  it.each([[user], [{ data: { name: 'No Id' } }], [{ data: { id: 42 } }], [{ data: { id: '' } }], [{ data: [user] }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('coinbase revoke: POST /oauth2/revoke with the access token as token and as Bearer', () => {
  const endpoint = 'https://login.coinbase.com/oauth2/revoke';
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status), { revocationEndpoint: endpoint, ...state });

  it('200 is revoked; the access token goes in the form and as the Bearer token', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(endpoint);
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.headers).toEqual({ authorization: 'Bearer live', 'content-type': 'application/x-www-form-urlencoded' });
    expect(sent[0]!.init.body).toBe('token=live');
  });

  it('a 401 for a live token, or once Coinbase refused the refresh token, is already revoked', async () => {
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    expect(await revoke!(request(401, { accessTokenExpired: true, refreshTokenRefused: true }).value)).toBe('already_revoked');
  });

  it('a 401 for an expired token proves nothing, other answers fail, and no endpoint is a configuration error', async () => {
    await expect(revoke!(request(401, { accessTokenExpired: true }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(400).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error' });
    const { value, sent } = request(200, { revocationEndpoint: undefined });
    await expect(revoke!(value)).rejects.toThrow('Coinbase revocation needs the revocation endpoint');
    expect(sent).toEqual([]);
  });
});
