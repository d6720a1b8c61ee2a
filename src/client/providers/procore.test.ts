import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { procore } from './procore.js';

describe('procore settings: the login host <NAME>_BASE_URL names, and the API its sandbox page pairs it with', () => {
  it('production by default: login.procore.com, and the API and /rest/v1.0/me on api.procore.com', () => {
    expect(procore.settings({})).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://login.procore.com/oauth/authorize',
        tokenEndpoint: 'https://login.procore.com/oauth/token',
        revocationEndpoint: 'https://login.procore.com/oauth/revoke',
        userinfoEndpoint: 'https://api.procore.com/rest/v1.0/me',
      },
      apiBaseUrl: 'https://api.procore.com',
    });
  });

  it.each([
    ['https://login-sandbox.procore.com', 'https://sandbox.procore.com'],
    ['https://login-sandbox-monthly.procore.com/', 'https://api-monthly.procore.com'],
  ])('%s signs in there and calls %s', (baseUrl, api) => {
    const login = baseUrl.replace(/\/$/, '');
    expect(procore.settings({ baseUrl })).toMatchObject({
      endpoints: { authorizationEndpoint: `${login}/oauth/authorize`, tokenEndpoint: `${login}/oauth/token`, revocationEndpoint: `${login}/oauth/revoke`, userinfoEndpoint: `${api}/rest/v1.0/me` },
      apiBaseUrl: api,
    });
  });

  it('another host (a stand-in) serves both the sign-in and the API', () => {
    expect(procore.settings({ baseUrl: 'http://127.0.0.1:4000' })).toMatchObject({
      endpoints: { tokenEndpoint: 'http://127.0.0.1:4000/oauth/token', userinfoEndpoint: 'http://127.0.0.1:4000/rest/v1.0/me' },
      apiBaseUrl: 'http://127.0.0.1:4000',
    });
  });
});

describe('procore revoke: POST /oauth/revoke with the access token and the client as form data', () => {
  const { revoke } = procore.settings({}).hooks!;
  const endpoint = 'https://login.procore.com/oauth/revoke';
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status), { revocationEndpoint: endpoint, ...state });

  it('200 is revoked; one request, the access token (never the refresh token) with the client id and secret in the form', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(endpoint);
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.headers).toEqual({ 'content-type': 'application/x-www-form-urlencoded' });
    expect(Object.fromEntries(new URLSearchParams(sent[0]!.init.body as string))).toEqual({ token: 'live', client_id: 'c', client_secret: 's' });
  });

  it('other answers fail, and no endpoint is a configuration error with nothing sent', async () => {
    await expect(revoke!(request(401).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error' });
    const { value, sent } = request(200, { revocationEndpoint: undefined });
    await expect(revoke!(value)).rejects.toThrow('Procore revocation needs the revocation endpoint');
    expect(sent).toEqual([]);
  });
});
