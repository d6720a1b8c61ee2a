import { describe, expect, it } from 'vitest';
import { feide } from './feide.js';

describe('feide settings', () => {
  const settings = feide.settings({});

  it('discovers auth.dataporten.no, asks openid profile email, sends the client as Basic and calls the APIs at api.dataporten.no', () => {
    expect(settings).toEqual({
      discovery: { issuer: 'https://auth.dataporten.no' },
      scope: 'openid profile email',
      apiBaseUrl: 'https://api.dataporten.no',
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it("leaves PKCE on (S256, which Feide takes) and keys the account by the ID token's sub as it comes", () => {
    expect(settings.pkce).toBeUndefined();
    expect(settings.subjectClaim).toBeUndefined();
    expect(settings.idTokenSubjectClaim).toBeUndefined();
  });
});
