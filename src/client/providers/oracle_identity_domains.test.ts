import { describe, expect, it } from 'vitest';
import { oracle_identity_domains } from './oracle_identity_domains.js';

describe('OCI IAM identity domains preset', () => {
  it("reads discovery at the domain's URL (not from an issuer), asks offline_access without consent, Basic of the id and secret as they are, and keys the account by the ID token's user_id", () => {
    expect(oracle_identity_domains.settings({ baseUrl: 'https://idcs-0f1e2d3c4b5a69788796a5b4c3d2e1f0.identity.oraclecloud.com/' })).toEqual({
      discovery: { metadataUrl: 'https://idcs-0f1e2d3c4b5a69788796a5b4c3d2e1f0.identity.oraclecloud.com/.well-known/openid-configuration' },
      scope: 'openid profile email offline_access',
      apiBaseUrl: 'https://idcs-0f1e2d3c4b5a69788796a5b4c3d2e1f0.identity.oraclecloud.com',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      refreshTokenNeedsConsent: false,
      idTokenSubjectClaim: 'user_id',
    });
  });

  it('with no URL (the metadata URL given alone), sets no API base', () => {
    expect(oracle_identity_domains.settings({})).not.toHaveProperty('apiBaseUrl');
  });
});
