import { describe, expect, it } from 'vitest';
import { pocketid } from './pocketid.js';

describe('Pocket ID preset', () => {
  it('finds the issuer at APP_URL and calls it, with no offline_access and no consent prompt, Basic, and a keep-alive for its 30 days of refresh-token inactivity', () => {
    expect(pocketid.settings({ baseUrl: 'https://id.acme.test/' })).toEqual({
      discovery: { issuer: 'https://id.acme.test' },
      scope: 'openid profile email',
      apiBaseUrl: 'https://id.acme.test',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
      refreshTokenIdleSeconds: 30 * 86_400,
    });
  });

  it('keeps a sub-path', () => {
    expect(pocketid.settings({ baseUrl: 'https://acme.test/id' }).discovery).toEqual({ issuer: 'https://acme.test/id' });
  });
});
