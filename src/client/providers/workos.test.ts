import { describe, expect, it } from 'vitest';
import { workos } from './workos.js';

describe('WorkOS preset', () => {
  it('takes the AuthKit domain as issuer and API, asks offline_access without a consent prompt, and sends the client in the form body', () => {
    expect(workos.settings({ domain: 'imaginative-palm-54.authkit.app' })).toEqual({
      discovery: { issuer: 'https://imaginative-palm-54.authkit.app' },
      scope: 'openid profile email offline_access',
      apiBaseUrl: 'https://imaginative-palm-54.authkit.app',
      tokenEndpointAuthMethod: 'client_secret_post',
      refreshTokenNeedsConsent: false,
    });
  });
});
