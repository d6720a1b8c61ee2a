import { describe, expect, it } from 'vitest';
import { janssen } from './janssen.js';

describe('Janssen Server preset', () => {
  it("reads discovery under /jans-auth at the server's URL, calls its API there, offline_access, Basic", () => {
    expect(janssen.settings({ baseUrl: 'https://login.acme.test/' })).toEqual({
      discovery: { metadataUrl: 'https://login.acme.test/jans-auth/.well-known/openid-configuration' },
      scope: 'openid profile email offline_access',
      apiBaseUrl: 'https://login.acme.test/jans-auth',
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it('with no base URL (the issuer given alone) sets no API base', () => {
    expect(janssen.settings({})).not.toHaveProperty('apiBaseUrl');
  });
});
