import { describe, expect, it } from 'vitest';
import { tara } from './tara.js';

describe('tara preset', () => {
  it('discovers TARA at tara.ria.ee, asks openid alone without PKCE, sends the client as plain Basic, and calls /oidc', () => {
    const settings = tara.settings({});
    expect(settings).toMatchObject({
      discovery: { issuer: 'https://tara.ria.ee' },
      scope: 'openid',
      pkce: false,
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      apiBaseUrl: 'https://tara.ria.ee/oidc',
    });
    expect(settings.skipUserinfo).toBeUndefined();
    expect(settings.subjectClaim).toBeUndefined();
    expect(settings.idTokenSubjectClaim).toBeUndefined();
  });

  it('takes the test service by its host, a trailing slash dropped', () => {
    expect(tara.settings({ baseUrl: 'https://tara-test.ria.ee/' })).toMatchObject({
      discovery: { issuer: 'https://tara-test.ria.ee' },
      apiBaseUrl: 'https://tara-test.ria.ee/oidc',
    });
  });

  it("reads /oidc/profile as it comes, with date_of_birth also as birthdate; an answer that is not an object names no one", () => {
    const profileClaims = tara.settings({}).hooks!.profileClaims!;
    const answer = { sub: 'EE60001019906', given_name: 'MARY ÄNN', family_name: 'O’CONNEŽ-ŠUSLIK TESTNUMBER', date_of_birth: '2000-01-01', amr: ['mID'], auth_time: 1550735597 };
    expect(profileClaims(answer)).toEqual({ ...answer, birthdate: '2000-01-01' });
    const foreigner = { sub: 'BE-12345', given_name: 'Jean', family_name: 'Dupont', amr: ['eIDAS'], auth_time: 1 };
    expect(profileClaims(foreigner)).toEqual(foreigner);
    expect(profileClaims({ ...foreigner, date_of_birth: '  ' })).not.toHaveProperty('birthdate');
    expect(profileClaims([answer])).toBeUndefined();
    expect(profileClaims('EE60001019906')).toBeUndefined();
  });
});
