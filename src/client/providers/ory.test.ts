import { describe, expect, it } from 'vitest';
import { ory } from './ory.js';

const settings = ory.settings({ baseUrl: 'https://acme-7xk2.projects.oryapis.com' });
const tokenResponse = settings.hooks!.tokenResponse!;
const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const INACTIVE = { error: 'token_inactive', error_description: 'Token is inactive because it is malformed, expired or otherwise invalid. Token validation failed.' };

describe('Ory preset', () => {
  it('takes the issuer as the base URL and calls it, with offline_access and no consent prompt, Basic, 30-day refresh tokens and the username claim', () => {
    expect(settings).toMatchObject({
      discovery: { issuer: 'https://acme-7xk2.projects.oryapis.com' },
      scope: 'openid profile email offline_access',
      apiBaseUrl: 'https://acme-7xk2.projects.oryapis.com',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
      refreshTokenIdleSeconds: 30 * 86_400,
      claimNames: { preferredUsername: 'username' },
    });
  });

  it('keeps an issuer with a trailing slash as it is (compared exactly), and calls the API without it', () => {
    const hydra = ory.settings({ baseUrl: 'https://hydra.acme.test/' });
    expect(hydra.discovery).toEqual({ issuer: 'https://hydra.acme.test/' });
    expect(hydra.apiBaseUrl).toBe('https://hydra.acme.test');
  });

  it('with no base URL (the issuer given alone), sets no API base', () => {
    expect(ory.settings({})).not.toHaveProperty('apiBaseUrl');
  });

  it("reads Hydra's 401 token_inactive for a spent refresh token as RFC 6749 §5.2 invalid_grant, without a challenge", async () => {
    const rewritten = await tokenResponse(answer(401, INACTIVE, { 'www-authenticate': 'Bearer error="token_inactive"' }));
    expect(rewritten.status).toBe(400);
    expect(rewritten.headers.has('www-authenticate')).toBe(false);
    expect(await rewritten.json()).toEqual({ ...INACTIVE, error: 'invalid_grant' });
  });

  it('leaves invalid_client, other statuses, a success and a body that is not JSON as they were', async () => {
    const client = await tokenResponse(answer(401, { error: 'invalid_client', error_description: 'Client authentication failed.' }));
    expect([client.status, await client.json()]).toEqual([401, { error: 'invalid_client', error_description: 'Client authentication failed.' }]);
    const grant = await tokenResponse(answer(400, { error: 'invalid_grant' }));
    expect([grant.status, await grant.json()]).toEqual([400, { error: 'invalid_grant' }]);
    expect(await (await tokenResponse(new Response('not json', { status: 401 }))).text()).toBe('not json');
    const success = await tokenResponse(answer(200, { access_token: 'ory_at_x', token_type: 'bearer' }));
    expect(await success.json()).toEqual({ access_token: 'ory_at_x', token_type: 'bearer' });
  });
});
