import { describe, expect, it } from 'vitest';
import { presetDomainProblem } from '../../config/preset-domain.js';
import { PINGONE_AUTH_HOSTS, pingone } from './pingone.js';

const ENVIRONMENT_ID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

describe('PingOne preset', () => {
  it('makes the issuer of the environment at North America’s host by default, which is also the API, asking openid profile email with Basic', () => {
    expect(pingone.settings({ environmentId: ENVIRONMENT_ID })).toEqual({
      discovery: { issuer: `https://auth.pingone.com/${ENVIRONMENT_ID}/as` },
      scope: 'openid profile email',
      apiBaseUrl: `https://auth.pingone.com/${ENVIRONMENT_ID}/as`,
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenIdleSeconds: 30 * 86_400,
    });
  });

  it('puts the environment on the region’s host the domain names', () => {
    expect(pingone.settings({ environmentId: ENVIRONMENT_ID, domain: 'auth.pingone.eu' }).discovery).toEqual({ issuer: `https://auth.pingone.eu/${ENVIRONMENT_ID}/as` });
  });

  it('takes the five regions’ hosts as the domain, in any case, and nothing else', () => {
    expect(PINGONE_AUTH_HOSTS).toEqual(['auth.pingone.com', 'auth.pingone.eu', 'auth.pingone.asia', 'auth.pingone.ca', 'auth.pingone.com.au']);
    for (const host of PINGONE_AUTH_HOSTS) expect(presetDomainProblem('pingone', host.toUpperCase())).toBeUndefined();
    expect(presetDomainProblem('pingone', 'pingone.eu')).toContain("is not a PingOne region's host");
    expect(presetDomainProblem('pingone', 'sso.acme.test')).toContain('a custom domain: set the issuer instead');
  });
});
