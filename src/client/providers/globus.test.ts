import { describe, expect, it } from 'vitest';
import { globus } from './globus.js';

const settings = globus.settings({});

describe('globus settings', () => {
  it('discovers Globus Auth at its issuer, asks openid profile email with access_type=offline, sends the client as Basic and calls Globus Auth', () => {
    expect(settings).toEqual({
      discovery: { issuer: 'https://auth.globus.org' },
      scope: 'openid profile email',
      authorizationParams: { access_type: 'offline' },
      apiBaseUrl: 'https://auth.globus.org',
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
    expect(globus.values).toBeUndefined();
  });

  it('takes no template value: the one Globus Auth, the same settings whatever is passed', () => {
    expect(globus.settings({ baseUrl: 'https://auth.example.org' })).toEqual(settings);
  });

  it('leaves the subject to the ID token and revocation to discovery (no endpoints, no hooks of its own)', () => {
    expect(settings.endpoints).toBeUndefined();
    expect(settings.subjectClaim).toBeUndefined();
    expect(settings.hooks).toBeUndefined();
  });
});
