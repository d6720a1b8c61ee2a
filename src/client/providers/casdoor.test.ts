import { describe, expect, it } from 'vitest';
import { casdoor } from './casdoor.js';

const settings = casdoor.settings({ baseUrl: 'https://door.acme.test/' });
const tokenResponse = settings.hooks!.tokenResponse!;

describe('Casdoor preset', () => {
  it('finds the issuer at the origin and calls it, with the client in the form, no offline_access, and 7-day refresh tokens', () => {
    expect(settings).toMatchObject({
      discovery: { issuer: 'https://door.acme.test' },
      scope: 'openid profile email',
      apiBaseUrl: 'https://door.acme.test',
      tokenEndpointAuthMethod: 'client_secret_post',
      refreshTokenNeedsConsent: false,
      refreshTokenIdleSeconds: 7 * 86_400,
    });
  });

  it('drops the Basic challenge of its 401 invalid_client, keeping the RFC 6749 §5.2 body', async () => {
    const body = JSON.stringify({ error: 'invalid_client', error_description: 'client_secret is invalid' });
    const rewritten = await tokenResponse(new Response(body, { status: 401, headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Basic realm="OAuth2"' } }));
    expect(rewritten.status).toBe(401);
    expect(rewritten.headers.get('www-authenticate')).toBeNull();
    expect(rewritten.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await rewritten.json()).toEqual({ error: 'invalid_client', error_description: 'client_secret is invalid' });
  });

  it('leaves other answers as they were', async () => {
    const refusal = new Response('{"error":"invalid_grant"}', { status: 400, headers: { 'content-type': 'application/json' } });
    expect(await tokenResponse(refusal)).toBe(refusal);
    const bare = new Response('{"error":"invalid_client"}', { status: 401 });
    expect(await tokenResponse(bare)).toBe(bare);
    const success = new Response('{"access_token":"at"}', { status: 200, headers: { 'www-authenticate': 'Basic' } });
    expect(await tokenResponse(success)).toBe(success);
  });
});
