import { describe, expect, it } from 'vitest';
import { proconnect } from './proconnect.js';

describe('proconnect settings', () => {
  it('production by default: discovery under auth.agentconnect.gouv.fr/api/v2, no acr_values, no PKCE, the client in the form, userinfo under the issuer', () => {
    const settings = proconnect.settings({});
    expect(settings).toMatchObject({
      discovery: { issuer: 'https://auth.agentconnect.gouv.fr/api/v2' },
      scope: 'openid given_name usual_name email',
      pkce: false,
      tokenEndpointAuthMethod: 'client_secret_post',
      apiBaseUrl: 'https://auth.agentconnect.gouv.fr/api/v2',
    });
    expect(settings.authorizationParams).toBeUndefined();
  });

  it('the integration environment by its host, the /api/v2 issuer appended once whatever the trailing slashes', () => {
    expect(proconnect.settings({ baseUrl: 'https://fca.integ01.dev-agentconnect.fr//' })).toMatchObject({
      discovery: { issuer: 'https://fca.integ01.dev-agentconnect.fr/api/v2' },
      apiBaseUrl: 'https://fca.integ01.dev-agentconnect.fr/api/v2',
    });
  });
});

describe('proconnect profile', () => {
  const profileClaims = proconnect.settings({}).hooks!.profileClaims!;

  it('gives usual_name as family_name, keeping every claim', () => {
    expect(profileClaims({ sub: 'abc', given_name: 'Angela Claire Louise', usual_name: 'DUBOIS', email: 'angela@example.gouv.fr', siret: '21340126800130' })).toEqual({
      sub: 'abc',
      given_name: 'Angela Claire Louise',
      usual_name: 'DUBOIS',
      family_name: 'DUBOIS',
      email: 'angela@example.gouv.fr',
      siret: '21340126800130',
    });
  });

  it('leaves a family_name the answer has, and adds none without a usual_name', () => {
    expect(profileClaims({ sub: 'abc', usual_name: 'DUBOIS', family_name: 'MARTIN' })).toMatchObject({ family_name: 'MARTIN' });
    expect(profileClaims({ sub: 'abc', usual_name: 42 })).toEqual({ sub: 'abc', usual_name: 42 });
    expect(profileClaims({ sub: 'abc' })).toEqual({ sub: 'abc' });
  });

  it('an answer that is not an object is no profile', () => {
    expect(profileClaims(null)).toBeUndefined();
    expect(profileClaims(['sub'])).toBeUndefined();
    expect(profileClaims('eyJ...')).toBeUndefined();
  });
});
