import { describe, expect, it } from 'vitest';
import { zitadel } from './zitadel.js';

describe('ZITADEL preset', () => {
  it('finds the instance itself as the issuer (no trailing slash) and the API, with offline_access and the audience ZITADEL’s APIs need', () => {
    expect(zitadel.settings({ baseUrl: 'https://acme-x1y2z3.zitadel.cloud/' })).toEqual({
      discovery: { issuer: 'https://acme-x1y2z3.zitadel.cloud' },
      scope: 'openid profile email offline_access urn:zitadel:iam:org:project:id:zitadel:aud',
      apiBaseUrl: 'https://acme-x1y2z3.zitadel.cloud',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
      refreshTokenIdleSeconds: 30 * 86_400,
    });
  });

  it('keeps a custom domain as it is given', () => {
    expect(zitadel.settings({ baseUrl: 'https://id.acme.test' }).discovery).toEqual({ issuer: 'https://id.acme.test' });
  });
});
