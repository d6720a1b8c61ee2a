import { describe, expect, it } from 'vitest';
import { tradier } from './tradier.js';

describe('tradier settings', () => {
  it("is connect-only: Tradier's authorize, accesstoken and refreshtoken endpoints, read,market comma-delimited, the client as plain Basic, an answer without token_type read as Bearer, JSON asked of the API; no profile, no PKCE, no revocation", () => {
    expect(tradier.settings({})).toEqual({
      endpoints: {
        authorizationEndpoint: 'https://api.tradier.com/v1/oauth/authorize',
        tokenEndpoint: 'https://api.tradier.com/v1/oauth/accesstoken',
        refreshEndpoint: 'https://api.tradier.com/v1/oauth/refreshtoken',
      },
      scope: 'read,market',
      apiBaseUrl: 'https://api.tradier.com/v1',
      apiHeaders: { accept: 'application/json' },
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      omitsTokenType: true,
      pkce: false,
      connectOnly: true,
    });
    expect(tradier.values).toBeUndefined();
  });
});
