import { describe, expect, it } from 'vitest';
import { sonos } from './sonos.js';

const settings = sonos.settings({});
const { tokenResponse } = settings.hooks!;
const jsonAnswer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('sonos settings', () => {
  it("is connect-only: Sonos's login service, playback-control-all, the key and secret as plain Basic, the Control API; no profile, no PKCE, no revocation", () => {
    expect(settings).toEqual({
      endpoints: {
        authorizationEndpoint: 'https://api.sonos.com/login/v3/oauth',
        tokenEndpoint: 'https://api.sonos.com/login/v3/oauth/access',
      },
      scope: 'playback-control-all',
      apiBaseUrl: 'https://api.ws.sonos.com/control/api/v1',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      pkce: false,
      connectOnly: true,
      hooks: { tokenResponse },
    });
    expect(sonos.values).toBeUndefined();
  });
});

describe('sonos tokenResponse: a refresh token Sonos does not take is invalid_grant', () => {
  it('reads 400 invalid_request ("Invalid refresh token") as RFC 6749 §5.2 invalid_grant', async () => {
    const rewritten = await tokenResponse!(jsonAnswer(400, { error: 'invalid_request', error_description: 'Invalid refresh token' }));
    expect(rewritten.status).toBe(400);
    expect(await rewritten.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid refresh token' });
  });

  it('leaves its other refusals, a success and other statuses as they were', async () => {
    const grant = await tokenResponse!(jsonAnswer(400, { error: 'invalid_grant', error_description: 'Missing grant_type parameter' }));
    expect(await grant.json()).toEqual({ error: 'invalid_grant', error_description: 'Missing grant_type parameter' });
    const client = await tokenResponse!(jsonAnswer(401, { error: 'invalid_client' }));
    expect(client.status).toBe(401);
    expect(await client.json()).toEqual({ error: 'invalid_client' });
    const ok = await tokenResponse!(jsonAnswer(200, { access_token: 'a', token_type: 'Bearer', expires_in: 86400 }));
    expect(await ok.json()).toEqual({ access_token: 'a', token_type: 'Bearer', expires_in: 86400 });
    const page = await tokenResponse!(new Response('<h1>Bad Request</h1>', { status: 400, headers: { 'content-type': 'text/html' } }));
    expect(page.status).toBe(400);
    expect(await page.text()).toBe('<h1>Bad Request</h1>');
  });
});
