import { describe, expect, it } from 'vitest';
import { home_connect } from './home_connect.js';

describe('home_connect settings', () => {
  it("is connect-only: Home Connect's authorization server, IdentifyAppliance, the client in the form, the API with BSH's media type; the id_token copy dropped, S256 PKCE, no revocation", () => {
    expect(home_connect.settings({})).toEqual({
      endpoints: {
        authorizationEndpoint: 'https://api.home-connect.com/security/oauth/authorize',
        tokenEndpoint: 'https://api.home-connect.com/security/oauth/token',
      },
      scope: 'IdentifyAppliance',
      apiBaseUrl: 'https://api.home-connect.com/api',
      apiHeaders: { accept: 'application/vnd.bsh.sdk.v1+json' },
      tokenEndpointAuthMethod: 'client_secret_post',
      idTokenUnused: true,
      connectOnly: true,
    });
    expect(home_connect.values).toEqual({ baseUrl: 'optional' });
  });

  it('moves the authorization, the tokens and the API to the host <NAME>_BASE_URL names (the simulator, Greater China), a trailing slash dropped', () => {
    expect(home_connect.settings({ baseUrl: 'https://simulator.home-connect.com/' })).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://simulator.home-connect.com/security/oauth/authorize',
        tokenEndpoint: 'https://simulator.home-connect.com/security/oauth/token',
      },
      apiBaseUrl: 'https://simulator.home-connect.com/api',
    });
    expect(home_connect.settings({ baseUrl: 'https://api.home-connect.cn' }).apiBaseUrl).toBe('https://api.home-connect.cn/api');
  });
});
