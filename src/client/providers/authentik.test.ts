import { describe, expect, it } from 'vitest';
import { authentik } from './authentik.js';

describe('authentik preset', () => {
  it('finds the provider of the application by its slug, <base>/application/o/<slug>/ with the trailing slash, and the shared endpoints under /application/o as the API', () => {
    expect(authentik.settings({ baseUrl: 'https://auth.acme.test/', applicationSlug: 'tokenkeeper' })).toEqual({
      discovery: { issuer: 'https://auth.acme.test/application/o/tokenkeeper/' },
      scope: 'openid profile email offline_access',
      apiBaseUrl: 'https://auth.acme.test/application/o',
      tokenEndpointAuthMethod: 'client_secret_post',
      refreshTokenNeedsConsent: false,
      refreshTokenIdleSeconds: 30 * 86_400,
    });
  });

  it('keeps a sub-path of the server', () => {
    expect(authentik.settings({ baseUrl: 'https://acme.test/authentik', applicationSlug: 'wiki_2' }).discovery).toEqual({ issuer: 'https://acme.test/authentik/application/o/wiki_2/' });
  });

  it('names no API when the issuer is given alone (no base URL)', () => {
    expect(authentik.settings({}).apiBaseUrl).toBeUndefined();
  });
});
