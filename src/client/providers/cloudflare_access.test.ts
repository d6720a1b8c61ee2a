import { describe, expect, it } from 'vitest';
import { presetDomainProblem } from '../../config/preset-domain.js';
import { accessUserinfoClaims, cloudflare_access } from './cloudflare_access.js';

const CLIENT_ID = '4b8a2f7c1e9d3a5b6c0d8e7f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b';
const ISSUER = `https://acme.cloudflareaccess.com/cdn-cgi/access/sso/oidc/${CLIENT_ID}`;

describe('Cloudflare Access preset', () => {
  it("puts the application's endpoints under its issuer on the team domain, the client id in its path, which is also the API", () => {
    expect(cloudflare_access.settings({ domain: 'Acme.cloudflareaccess.com' }, { clientId: CLIENT_ID })).toMatchObject({
      endpoints: { authorizationEndpoint: `${ISSUER}/authorization`, tokenEndpoint: `${ISSUER}/token`, userinfoEndpoint: `${ISSUER}/userinfo` },
      scope: 'openid email profile offline_access',
      apiBaseUrl: ISSUER,
      tokenEndpointAuthMethod: 'client_secret_basic',
      idTokenUnused: true,
      subjectClaim: 'id',
    });
  });

  it('takes a team domain, in any case, and nothing else', () => {
    expect(presetDomainProblem('cloudflare_access', 'ACME.cloudflareaccess.com')).toBeUndefined();
    expect(presetDomainProblem('cloudflare_access', 'app.acme.com')).toContain('is not a Cloudflare Zero Trust team domain: give <team-name>.cloudflareaccess.com');
    expect(presetDomainProblem('cloudflare_access', 'cloudflareaccess.com')).toContain('is not a Cloudflare Zero Trust team domain');
  });
});

describe('cloudflare_access profileClaims: userinfo as claims, the sub qualified by the team domain', () => {
  const { profileClaims } = cloudflare_access.settings({ domain: 'Acme.cloudflareaccess.com' }, { clientId: CLIENT_ID }).hooks!;

  it('names the person by the sub at the team domain, with the e-mail and the names the identity provider sends', () => {
    const userinfo = { sub: '7335d417-61da-459d-899c-0a01c76a2f94', email: 'ada@example.com', name: ' Ada Lovelace ', given_name: 'Ada', family_name: 'Lovelace', groups: ['eng'] };
    expect(profileClaims!(userinfo)).toEqual({
      id: '7335d417-61da-459d-899c-0a01c76a2f94@acme.cloudflareaccess.com',
      sub: '7335d417-61da-459d-899c-0a01c76a2f94',
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      email: 'ada@example.com',
    });
  });

  it('the same sub in another organization is another person; a name is made of the given and family names when none is sent', () => {
    expect(accessUserinfoClaims('other.cloudflareaccess.com')({ sub: 'u-1', given_name: 'Grace', family_name: 'Hopper' })).toEqual({
      id: 'u-1@other.cloudflareaccess.com',
      sub: 'u-1',
      name: 'Grace Hopper',
      given_name: 'Grace',
      family_name: 'Hopper',
    });
  });

  it('an answer without a sub names no one; blank members are left out, and e-mail verification is never claimed', () => {
    expect(profileClaims!({ email: 'no-sub@example.com' })).toBeUndefined();
    expect(profileClaims!({ sub: '  ' })).toBeUndefined();
    expect(profileClaims!(['sub'])).toBeUndefined();
    expect(profileClaims!({ sub: 'u-2', email: ' ', name: '', email_verified: true })).toEqual({ id: 'u-2@acme.cloudflareaccess.com', sub: 'u-2' });
  });
});
