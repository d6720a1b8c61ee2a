import { describe, expect, it } from 'vitest';
import { cilogon } from './cilogon.js';

const settings = cilogon.settings({});

describe('cilogon settings', () => {
  it("discovers CILogon at its issuer, asks openid email profile and CILogon's own org.cilogon.userinfo, sends the client in the form and calls the userinfo's base", () => {
    expect(settings).toEqual({
      discovery: { issuer: 'https://cilogon.org' },
      scope: 'openid email profile org.cilogon.userinfo',
      apiBaseUrl: 'https://cilogon.org/oauth2',
      tokenEndpointAuthMethod: 'client_secret_post',
    });
    expect(cilogon.values).toBeUndefined();
  });

  it('leaves the subject to the ID token and revocation to discovery (no endpoints, no hooks of its own)', () => {
    expect(settings.endpoints).toBeUndefined();
    expect(settings.subjectClaim).toBeUndefined();
    expect(settings.hooks).toBeUndefined();
    expect(settings.authorizationParams).toBeUndefined();
  });
});
