import { describe, expect, it } from 'vitest';
import { descope } from './descope.js';

const PROJECT_ID = 'P2dIgUhThJjCfrTnQnxUvH9VsAtV';

describe('Descope preset', () => {
  it('makes the issuer of the client id (the Project ID) under api.descope.com, names the revocation endpoint, and asks no offline_access or consent', () => {
    expect(descope.settings({}, { clientId: PROJECT_ID })).toEqual({
      discovery: { issuer: `https://api.descope.com/${PROJECT_ID}` },
      metadataOverrides: { revocationEndpoint: 'https://api.descope.com/oauth2/v1/revoke' },
      scope: 'openid profile email',
      apiBaseUrl: 'https://api.descope.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      refreshTokenNeedsConsent: false,
    });
  });

  it('takes a custom API domain as the base URL, its trailing slash dropped', () => {
    const custom = descope.settings({ baseUrl: 'https://auth.acme.test/' }, { clientId: PROJECT_ID });
    expect(custom.discovery).toEqual({ issuer: `https://auth.acme.test/${PROJECT_ID}` });
    expect(custom.metadataOverrides).toEqual({ revocationEndpoint: 'https://auth.acme.test/oauth2/v1/revoke' });
    expect(custom.apiBaseUrl).toBe('https://auth.acme.test');
  });
});
