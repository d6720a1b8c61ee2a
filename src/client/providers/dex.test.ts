import { describe, expect, it } from 'vitest';
import { dex } from './dex.js';

const settings = dex.settings({ baseUrl: 'https://auth.acme.test/dex/' });
const tokenResponse = settings.hooks!.tokenResponse!;
const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('Dex preset', () => {
  it("takes Dex's issuer as the base URL and calls it, with offline_access and no consent prompt, and Basic", () => {
    expect(settings).toMatchObject({
      discovery: { issuer: 'https://auth.acme.test/dex' },
      scope: 'openid profile email offline_access',
      apiBaseUrl: 'https://auth.acme.test/dex',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
    });
    expect(settings).not.toHaveProperty('refreshTokenIdleSeconds');
  });

  it('with no base URL (the issuer given alone), sets no API base', () => {
    expect(dex.settings({})).not.toHaveProperty('apiBaseUrl');
  });

  it('reads its invalid_request refusals of an unknown, spent or expired refresh token as RFC 6749 §5.2 invalid_grant', async () => {
    for (const description of ['Refresh token is invalid or has already been claimed by another client.', 'Refresh token expired.']) {
      const rewritten = await tokenResponse(answer(400, { error: 'invalid_request', error_description: description }));
      expect(rewritten.status).toBe(400);
      expect(await rewritten.json()).toEqual({ error: 'invalid_grant', error_description: description });
    }
  });

  it('leaves its other invalid_request answers, other errors, a success and other statuses as they were', async () => {
    const scopes = await tokenResponse(answer(400, { error: 'invalid_request', error_description: 'Requested scopes contain unauthorized scope(s): ["groups"].' }));
    expect(await scopes.json()).toMatchObject({ error: 'invalid_request' });
    const grant = await tokenResponse(answer(400, { error: 'invalid_grant', error_description: 'Invalid or expired code parameter.' }));
    expect(await grant.json()).toMatchObject({ error: 'invalid_grant' });
    expect(await (await tokenResponse(new Response('not json', { status: 400 }))).text()).toBe('not json');
    const success = await tokenResponse(answer(200, { access_token: 'at', token_type: 'bearer' }));
    expect(await success.json()).toEqual({ access_token: 'at', token_type: 'bearer' });
    const client = await tokenResponse(answer(401, { error: 'invalid_client', error_description: 'Invalid client credentials.' }));
    expect([client.status, await client.json()]).toEqual([401, { error: 'invalid_client', error_description: 'Invalid client credentials.' }]);
  });
});
