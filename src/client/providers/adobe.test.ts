import { describe, expect, it } from 'vitest';
import { adobe } from './adobe.js';

describe('adobe settings', () => {
  const settings = adobe.settings({});

  it('discovery read at its document under /ims (the issuer is the host alone), the Adobe ID scopes with offline_access, Basic credentials as they are', () => {
    expect(settings).toMatchObject({
      discovery: { metadataUrl: 'https://ims-na1.adobelogin.com/ims/.well-known/openid-configuration' },
      scope: 'openid AdobeID offline_access email profile',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
    });
    expect(settings.endpoints).toBeUndefined();
    expect(settings.pkce).not.toBe(false);
    expect(settings.hooks).toBeUndefined();
  });

  it('IMS as the API base and any adobe.io API host, each call with the client id as x-api-key', () => {
    expect(settings).toMatchObject({ apiBaseUrl: 'https://ims-na1.adobelogin.com', extraApiBaseUrls: ['https://*.adobe.io'], clientIdHeader: 'x-api-key' });
  });

  it('refresh tokens last 14 days, so the sweep refreshes an unused connection before then', () => {
    expect(settings.refreshTokenIdleSeconds).toBe(14 * 86_400);
  });
});
