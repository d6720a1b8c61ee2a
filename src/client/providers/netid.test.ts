import { describe, expect, it } from 'vitest';
import { netid } from './netid.js';

const settings = netid.settings({});
const { profileClaims } = settings.hooks!;

describe('netid settings', () => {
  it('discovers broker.netid.de (issuer with its trailing slash), asks openid profile email, the client by plain Basic, the unsigned ID token left unread', () => {
    expect(settings).toEqual({
      discovery: { issuer: 'https://broker.netid.de/' },
      scope: 'openid profile email',
      apiBaseUrl: 'https://broker.netid.de',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      idTokenUnused: true,
      subjectClaim: 'sub',
      hooks: { profileClaims },
    });
  });

  it('leaves PKCE on, as netID recommends it for web clients', () => {
    expect(settings.pkce).toBeUndefined();
  });
});

describe('netid profileClaims: userinfo', () => {
  it('takes the pairwise sub, the given and family names joined, and the e-mail with its verification', () => {
    const body = { sub: 'tLTGOmOHb5ix7i9d-hJ4CHXdh_hM2ZsCR2Iy7v7hs1M', given_name: 'Jane', family_name: 'Doe', gender: 'female', birthdate: '1980-01-01', email: 'jane.doe@example.org', email_verified: true };
    expect(profileClaims!(body)).toEqual({ sub: body.sub, name: 'Jane Doe', given_name: 'Jane', family_name: 'Doe', email: 'jane.doe@example.org', email_verified: true });
  });

  it('keeps what the person released: the sub alone, or a name without an e-mail (whose verification then is not kept)', () => {
    expect(profileClaims!({ sub: ' abc ' })).toEqual({ sub: 'abc' });
    expect(profileClaims!({ sub: 'abc', family_name: 'Doe', email_verified: false })).toEqual({ sub: 'abc', name: 'Doe', family_name: 'Doe' });
  });

  it.each([[{ given_name: 'No', family_name: 'Sub' }], [{ sub: ' ' }], [{ sub: 42 }], [null], [[]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
