import { describe, expect, it } from 'vitest';
import { stytch } from './stytch.js';

describe('Stytch preset', () => {
  it("takes the project domain as issuer and API, names the revocation endpoint discovery leaves out, asks offline_access without a consent prompt, Basic, and a 90-day keep-alive for its sliding three months", () => {
    expect(stytch.settings({ domain: 'login.acme.test' })).toEqual({
      discovery: { issuer: 'https://login.acme.test' },
      metadataOverrides: { revocationEndpoint: 'https://login.acme.test/v1/oauth2/revoke' },
      scope: 'openid profile email offline_access',
      apiBaseUrl: 'https://login.acme.test',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
      refreshTokenIdleSeconds: 90 * 86_400,
    });
  });
});
