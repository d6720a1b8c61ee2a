import { describe, expect, it } from 'vitest';
import { duende } from './duende.js';

describe('Duende IdentityServer preset', () => {
  it("takes the host's URL as issuer and API, with offline_access and no consent prompt, Basic, and no keep-alive for its absolute 30 days", () => {
    expect(duende.settings({ baseUrl: 'https://identity.acme.test/' })).toEqual({
      discovery: { issuer: 'https://identity.acme.test' },
      scope: 'openid profile email offline_access',
      apiBaseUrl: 'https://identity.acme.test',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
    });
  });

  it('keeps a path base, and with no base URL (the issuer given alone) sets no API base', () => {
    expect(duende.settings({ baseUrl: 'https://acme.test/identity' }).discovery).toEqual({ issuer: 'https://acme.test/identity' });
    expect(duende.settings({})).not.toHaveProperty('apiBaseUrl');
  });
});
