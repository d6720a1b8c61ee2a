import { describe, expect, it } from 'vitest';
import { franceconnect } from './franceconnect.js';

describe('franceconnect settings', () => {
  it('production by default: discovery under oidc.franceconnect.gouv.fr/api/v2, eidas1 asked, no PKCE, the client in the form, userinfo under the issuer', () => {
    expect(franceconnect.settings({})).toEqual({
      discovery: { issuer: 'https://oidc.franceconnect.gouv.fr/api/v2' },
      scope: 'openid given_name family_name email',
      authorizationParams: { acr_values: 'eidas1' },
      pkce: false,
      tokenEndpointAuthMethod: 'client_secret_post',
      apiBaseUrl: 'https://oidc.franceconnect.gouv.fr/api/v2',
    });
  });

  it('the integration environment by its host, the /api/v2 issuer appended once whatever the trailing slashes', () => {
    expect(franceconnect.settings({ baseUrl: 'https://fcp-low.integ01.dev-franceconnect.fr//' })).toMatchObject({
      discovery: { issuer: 'https://fcp-low.integ01.dev-franceconnect.fr/api/v2' },
      apiBaseUrl: 'https://fcp-low.integ01.dev-franceconnect.fr/api/v2',
    });
  });
});
