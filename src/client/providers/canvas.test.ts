import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { canvas } from './canvas.js';

const settings = canvas.settings({ baseUrl: 'https://canvas.school.test/' });
const { tokenResponse, revoke } = settings.hooks!;
const jsonAnswer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('Canvas LMS preset', () => {
  it("names the install's OAuth2 endpoints, its profile and its token deletion under the base URL, asks no scope, no PKCE, the client in the form", () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://canvas.school.test/login/oauth2/auth',
        tokenEndpoint: 'https://canvas.school.test/login/oauth2/token',
        userinfoEndpoint: 'https://canvas.school.test/api/v1/users/self/profile',
        revocationEndpoint: 'https://canvas.school.test/login/oauth2/token',
      },
      scope: '',
      apiBaseUrl: 'https://canvas.school.test/api',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
      claimNames: { name: 'name', email: 'primary_email', preferredUsername: 'login_id' },
    });
  });
});

describe('canvas tokenResponse: an unknown refresh token is invalid_grant', () => {
  it('reads 400 invalid_request "refresh_token not found" as RFC 6749 §5.2 invalid_grant', async () => {
    const rewritten = await tokenResponse!(jsonAnswer(400, { error: 'invalid_request', error_description: 'refresh_token not found' }));
    expect(rewritten.status).toBe(400);
    expect(await rewritten.json()).toEqual({ error: 'invalid_grant', error_description: 'refresh_token not found' });
  });

  it('leaves its other refusals, a success and other statuses as they were', async () => {
    const missing = await tokenResponse!(jsonAnswer(400, { error: 'invalid_request', error_description: 'You must provide the refresh_token parameter when using the refresh_token grant type' }));
    expect(await missing.json()).toMatchObject({ error: 'invalid_request' });
    const code = await tokenResponse!(jsonAnswer(400, { error: 'invalid_grant', error_description: 'authorization_code not found' }));
    expect(await code.json()).toEqual({ error: 'invalid_grant', error_description: 'authorization_code not found' });
    const client = await tokenResponse!(jsonAnswer(401, { error: 'invalid_client', error_description: 'invalid client' }));
    expect([client.status, await client.json()]).toEqual([401, { error: 'invalid_client', error_description: 'invalid client' }]);
    const success = await tokenResponse!(jsonAnswer(200, { access_token: 'at', token_type: 'Bearer', user: { id: 42, name: 'Jimi Hendrix' }, expires_in: 3600 }));
    expect(await success.json()).toMatchObject({ access_token: 'at', user: { id: 42 } });
    expect(await (await tokenResponse!(new Response('not json', { status: 400 }))).text()).toBe('not json');
  });
});

describe('canvas revoke: DELETE /login/oauth2/token', () => {
  const endpoint = 'https://canvas.school.test/login/oauth2/token';
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status, {}), { revocationEndpoint: endpoint, ...state });

  it('200 is revoked; the access token goes as Bearer, with no body', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(endpoint);
    expect(sent[0]!.init.method).toBe('DELETE');
    expect(sent[0]!.init.headers.authorization).toBe('Bearer live');
    expect(sent[0]!.init.body).toBeUndefined();
  });

  it('its answer is read by revokeWithBearer: a 401 to a live token is already revoked, a 503 a fault of Canvas', async () => {
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error', message: 'Canvas answered HTTP 503 to the token deletion.' });
  });
});
