import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { ringcentral } from './ringcentral.js';

const settings = ringcentral.settings({});
const { profileClaims, revoke } = settings.hooks!;

describe('ringcentral settings: one server, production or the sandbox', () => {
  it('platform.ringcentral.com for everything, no scope (the app permissions), PKCE, Basic credentials as they are', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://platform.ringcentral.com/restapi/oauth/authorize',
        tokenEndpoint: 'https://platform.ringcentral.com/restapi/oauth/token',
        userinfoEndpoint: 'https://platform.ringcentral.com/restapi/v1.0/account/~/extension/~',
        revocationEndpoint: 'https://platform.ringcentral.com/restapi/oauth/revoke',
      },
      scope: '',
      apiBaseUrl: 'https://platform.ringcentral.com',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      subjectClaim: 'id',
    });
    expect(settings.pkce).not.toBe(false);
  });

  it('<NAME>_BASE_URL moves every endpoint and the API to the sandbox', () => {
    const sandbox = ringcentral.settings({ baseUrl: 'https://platform.devtest.ringcentral.com/' });
    expect(sandbox.endpoints).toEqual({
      authorizationEndpoint: 'https://platform.devtest.ringcentral.com/restapi/oauth/authorize',
      tokenEndpoint: 'https://platform.devtest.ringcentral.com/restapi/oauth/token',
      userinfoEndpoint: 'https://platform.devtest.ringcentral.com/restapi/v1.0/account/~/extension/~',
      revocationEndpoint: 'https://platform.devtest.ringcentral.com/restapi/oauth/revoke',
    });
    expect(sandbox.apiBaseUrl).toBe('https://platform.devtest.ringcentral.com');
  });
});

describe('ringcentral profileClaims: the extension of /account/~/extension/~', () => {
  const extension = {
    uri: 'https://platform.ringcentral.com/restapi/v1.0/account/37439510/extension/256440016',
    id: 256_440_016,
    extensionNumber: '101',
    contact: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', emailAsLoginName: true },
    name: 'Ada Lovelace',
    type: 'User',
    status: 'Enabled',
    account: { uri: 'https://platform.ringcentral.com/restapi/v1.0/account/37439510', id: '37439510' },
  };

  it('takes the id as a string, the name, the contact e-mail (not verified), the extension number and the account id', () => {
    expect(profileClaims!(extension)).toEqual({ id: '256440016', name: 'Ada Lovelace', email: 'ada@example.com', email_verified: false, extension_number: '101', account_id: '37439510' });
  });

  it('no name: the contact names joined; no e-mail: none claimed', () => {
    expect(profileClaims!({ id: '256440016', name: ' ', contact: { firstName: 'Ada', lastName: 'Lovelace' } })).toEqual({ id: '256440016', name: 'Ada Lovelace' });
    expect(profileClaims!({ id: 256_440_016 })).toEqual({ id: '256440016' });
  });

  it.each([[{ ...extension, id: undefined }], [{ ...extension, id: 0 }], [{ ...extension, id: 1.5 }], [{ ...extension, id: '101x' }], [{ errorCode: 'TokenInvalid', message: 'Token not found' }], [null], [[extension]]])(
    'finds no one in %j',
    (body) => {
      expect(profileClaims!(body)).toBeUndefined();
    },
  );
});

describe('ringcentral revoke: the OAuth session at /restapi/oauth/revoke', () => {
  const endpoint = 'https://platform.ringcentral.com/restapi/oauth/revoke';
  const basic = `Basic ${Buffer.from('c:s').toString('base64')}`;
  const request = (reply: () => Response, state: Partial<RevocationRequest> = {}) => revocationRequest(reply, { revocationEndpoint: endpoint, ...state });

  it('200 is revoked; one request, the refresh token in the form, the client as Basic', async () => {
    const { value, sent } = request(answer(200));
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(endpoint);
    expect(sent[0]!.init).toMatchObject({ method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' } });
    expect(new URLSearchParams(sent[0]!.init.body)).toEqual(new URLSearchParams({ token: 'refresh' }));
  });

  it('without a refresh token, the access token is sent', async () => {
    const { value, sent } = request(answer(200), { refreshToken: null });
    expect(await revoke!(value)).toBe('revoked');
    expect(new URLSearchParams(sent[0]!.init.body).get('token')).toBe('live');
  });

  it('a 400 once RingCentral refused the refresh token is already revoked; otherwise a failure', async () => {
    const refusal = { error: 'invalid_grant', errors: [{ errorCode: 'OAU-211', message: 'Token is revoked' }], error_description: 'Token is revoked' };
    expect(await revoke!(request(answer(400, refusal), { refreshTokenRefused: true }).value)).toBe('already_revoked');
    await expect(revoke!(request(answer(400, refusal)).value)).rejects.toMatchObject({ code: 'provider_bad_response', message: expect.stringContaining('invalid_grant') });
  });

  it('a refused client (401) and a failing server are failures, whatever the refresh token', async () => {
    await expect(revoke!(request(answer(401, { error: 'invalid_client' }), { refreshTokenRefused: true }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(answer(503)).value)).rejects.toMatchObject({ code: 'provider_error' });
  });

  it('needs the revocation endpoint', async () => {
    await expect(revoke!(revocationRequest(answer(200)).value)).rejects.toThrow('revocation endpoint');
  });
});
