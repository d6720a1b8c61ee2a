import { describe, expect, it } from 'vitest';
import { govuk_one_login } from './govuk_one_login.js';

describe('govuk_one_login settings', () => {
  it('production by default: discovery at oidc.account.gov.uk, private_key_jwt for the token endpoint, openid email at vtr ["Cl.Cm"], userinfo under the issuer host', () => {
    expect(govuk_one_login.settings({})).toEqual({
      discovery: { issuer: 'https://oidc.account.gov.uk' },
      scope: 'openid email',
      authorizationParams: { vtr: '["Cl.Cm"]' },
      tokenEndpointAuthMethod: 'private_key_jwt',
      clientAssertionAudience: 'token_endpoint',
      apiBaseUrl: 'https://oidc.account.gov.uk',
    });
  });

  it('the integration environment by its base URL, trailing slashes dropped', () => {
    expect(govuk_one_login.settings({ baseUrl: 'https://oidc.integration.account.gov.uk//' })).toMatchObject({
      discovery: { issuer: 'https://oidc.integration.account.gov.uk' },
      apiBaseUrl: 'https://oidc.integration.account.gov.uk',
    });
  });

  it('the vtr asked is a JSON array of one vector, as the authorization request takes it', () => {
    const { vtr } = govuk_one_login.settings({}).authorizationParams!;
    expect(JSON.parse(vtr!)).toEqual(['Cl.Cm']);
  });
});
