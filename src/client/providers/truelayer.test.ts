import { describe, expect, it } from 'vitest';
import { truelayer } from './truelayer.js';

describe('truelayer settings', () => {
  it("is connect-only: the auth link at the auth server's root, /connect/token with the client in the form, accounts balance transactions offline_access, the Data API under api.truelayer.com; no profile, no PKCE, no revocation", () => {
    expect(truelayer.settings({})).toEqual({
      endpoints: {
        authorizationEndpoint: 'https://auth.truelayer.com/',
        tokenEndpoint: 'https://auth.truelayer.com/connect/token',
      },
      scope: 'accounts balance transactions offline_access',
      apiBaseUrl: 'https://api.truelayer.com/data/v1',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      connectOnly: true,
    });
    expect(truelayer.values).toEqual({ baseUrl: 'optional' });
  });

  it("takes the sandbox's auth host as BASE_URL (a trailing slash dropped), its API host being the auth host's with api. for auth.", () => {
    expect(truelayer.settings({ baseUrl: 'https://auth.truelayer-sandbox.com/' })).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://auth.truelayer-sandbox.com/',
        tokenEndpoint: 'https://auth.truelayer-sandbox.com/connect/token',
      },
      apiBaseUrl: 'https://api.truelayer-sandbox.com/data/v1',
    });
  });
});
