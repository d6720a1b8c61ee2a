import { describe, expect, it } from 'vitest';
import { glewlwyd } from './glewlwyd.js';

const settings = glewlwyd.settings({ baseUrl: 'https://sso.acme.test/' });
const tokenResponse = settings.hooks!.tokenResponse!;

describe('Glewlwyd preset', () => {
  it('finds the plugin named oidc under /api of the base URL, and sends the Basic credentials as they are', () => {
    expect(settings).toMatchObject({
      discovery: { issuer: 'https://sso.acme.test/api/oidc' },
      apiBaseUrl: 'https://sso.acme.test/api/oidc',
      scope: 'openid',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
    });
  });

  it('reads the empty HTTP 400 it refuses a refresh token with as RFC 6749 §5.2 invalid_grant', async () => {
    const rewritten = await tokenResponse(new Response(null, { status: 400 }));
    expect(rewritten.status).toBe(400);
    expect(rewritten.headers.get('content-type')).toBe('application/json');
    expect(await rewritten.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('leaves an answer with a body, a success, and other statuses as they were', async () => {
    const refusal = await tokenResponse(new Response(JSON.stringify({ error: 'invalid_code' }), { status: 403, headers: { 'content-type': 'application/json' } }));
    expect([refusal.status, await refusal.json()]).toEqual([403, { error: 'invalid_code' }]);
    const described = await tokenResponse(new Response('{"error":"invalid_request"}', { status: 400 }));
    expect(await described.text()).toBe('{"error":"invalid_request"}');
    const success = await tokenResponse(new Response('{"access_token":"at","token_type":"bearer"}', { status: 200 }));
    expect(await success.text()).toBe('{"access_token":"at","token_type":"bearer"}');
    expect((await tokenResponse(new Response(null, { status: 500 }))).status).toBe(500);
  });
});
