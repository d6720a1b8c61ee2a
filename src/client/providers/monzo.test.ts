import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { monzo } from './monzo.js';

const settings = monzo.settings({});
const { profileClaims, revoke } = settings.hooks!;

describe('monzo profileClaims: /ping/whoami', () => {
  it('takes the user_id of an authenticated token, and not the client_id', () => {
    expect(profileClaims!({ authenticated: true, client_id: 'oauth2client_00009abc', user_id: 'user_00009237hliZellUicKuG1' })).toEqual({ user_id: 'user_00009237hliZellUicKuG1' });
  });

  it.each([
    [{ authenticated: false, client_id: 'oauth2client_00009abc', user_id: 'user_00009237hliZellUicKuG1' }],
    [{ client_id: 'oauth2client_00009abc', user_id: 'user_00009237hliZellUicKuG1' }],
    [{ authenticated: true, client_id: 'oauth2client_00009abc' }],
    [{ authenticated: true, user_id: ' ' }],
    [{ authenticated: true, user_id: 42 }],
    [null],
    [[{ authenticated: true, user_id: 'user_1' }]],
  ])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('monzo revoke: POST /oauth2/logout', () => {
  const endpoint = 'https://api.monzo.com/oauth2/logout';
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status, status === 200 ? {} : undefined), { revocationEndpoint: endpoint, ...state });

  it('200 is revoked; the access token goes as Bearer in a POST to the configured endpoint', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(endpoint);
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.headers.authorization).toBe('Bearer live');
  });

  it('a 401 for a live token, or once Monzo refused the refresh token, is already revoked; for an expired one it proves nothing', async () => {
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    expect(await revoke!(request(401, { accessTokenExpired: true, refreshTokenRefused: true }).value)).toBe('already_revoked');
    await expect(revoke!(request(401, { accessTokenExpired: true }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(500).value)).rejects.toMatchObject({ code: 'provider_error' });
  });

  it('without an endpoint it does not guess one', async () => {
    await expect(revoke!(request(200, { revocationEndpoint: undefined }).value)).rejects.toThrow('logout endpoint');
  });
});

describe('monzo settings', () => {
  it('asks no scope, sends the client in the form, no PKCE, and keeps user_id as the subject', () => {
    expect(settings).toMatchObject({ scope: '', tokenEndpointAuthMethod: 'client_secret_post', pkce: false, subjectClaim: 'user_id', apiBaseUrl: 'https://api.monzo.com' });
  });
});
