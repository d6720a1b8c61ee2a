import { describe, expect, it } from 'vitest';
import { itsme } from './itsme.js';

describe('itsme settings', () => {
  it('production by default: discovery at idp.prd.itsme.services/v2, openid with the service code and profile, private_key_jwt with the token endpoint as audience, the API under the issuer', () => {
    expect(itsme.settings({ applicationSlug: 'MY_SERVICE' })).toEqual({
      discovery: { issuer: 'https://idp.prd.itsme.services/v2' },
      scope: 'openid service:MY_SERVICE profile',
      tokenEndpointAuthMethod: 'private_key_jwt',
      clientAssertionAudience: 'token_endpoint',
      apiBaseUrl: 'https://idp.prd.itsme.services/v2',
    });
  });

  it('the E2E environment by its base URL, trailing slashes dropped', () => {
    expect(itsme.settings({ baseUrl: 'https://idp.e2e.itsme.services/v2//', applicationSlug: 'MY_SERVICE' })).toMatchObject({
      discovery: { issuer: 'https://idp.e2e.itsme.services/v2' },
      apiBaseUrl: 'https://idp.e2e.itsme.services/v2',
    });
  });

  it('takes the service code as required, and no other template value', () => {
    expect(itsme.values).toEqual({ baseUrl: 'optional', applicationSlug: 'required' });
    expect(itsme.settings({ applicationSlug: 'TEST_code' }).scope!.split(' ')).toEqual(['openid', 'service:TEST_code', 'profile']);
  });
});
