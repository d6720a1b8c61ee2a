import { describe, expect, it } from 'vitest';
import { casdoor } from './casdoor.js';

const settings = casdoor.settings({ baseUrl: 'https://door.acme.test/' });

describe('Casdoor preset', () => {
  it('finds the issuer at the origin and calls it, with the client in the form, no offline_access, and 7-day refresh tokens', () => {
    expect(settings).toMatchObject({
      discovery: { issuer: 'https://door.acme.test' },
      scope: 'openid profile email',
      apiBaseUrl: 'https://door.acme.test',
      tokenEndpointAuthMethod: 'client_secret_post',
      refreshTokenNeedsConsent: false,
      refreshTokenIdleSeconds: 7 * 86_400,
    });
    // Its 401 invalid_client comes with a Basic challenge that names no error, which the core drops to read the body.
    expect(settings.hooks).toBeUndefined();
  });
});
