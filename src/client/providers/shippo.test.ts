import { describe, expect, it } from 'vitest';
import { shippo } from './shippo.js';

describe('shippo settings', () => {
  it("is connect-only: goshippo.com's OAuth endpoints, the one scope *, the client in a JSON body, api.goshippo.com; no profile, no PKCE, no revocation", () => {
    const settings = shippo.settings({});
    expect(settings).toEqual({
      endpoints: {
        authorizationEndpoint: 'https://goshippo.com/oauth/authorize',
        tokenEndpoint: 'https://goshippo.com/oauth/access_token',
      },
      scope: '*',
      apiBaseUrl: 'https://api.goshippo.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      connectOnly: true,
      hooks: { tokenRequest: expect.any(Function) },
    });
    const sent = settings.hooks!.tokenRequest!({ body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c', client_id: 'id', client_secret: 's' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(sent.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'authorization_code', code: 'c', client_id: 'id', client_secret: 's' });
    expect(shippo.displayName).toBe('Shippo');
    expect(shippo.values).toBeUndefined();
  });
});
