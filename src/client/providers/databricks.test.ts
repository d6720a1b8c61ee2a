import { describe, expect, it } from 'vitest';
import { currentUserClaims, databricks } from './databricks.js';

const settings = databricks.settings({ baseUrl: 'https://dbc-a1b2345c-d6e7.cloud.databricks.com/' });
const { profileClaims } = settings.hooks!;

describe('databricks settings', () => {
  it("signs in at the workspace's /oidc/v1 endpoints with PKCE and the client as Basic, asks all-apis and offline_access, reads the SCIM Current User and calls the APIs under /api", () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://dbc-a1b2345c-d6e7.cloud.databricks.com/oidc/v1/authorize',
        tokenEndpoint: 'https://dbc-a1b2345c-d6e7.cloud.databricks.com/oidc/v1/token',
        userinfoEndpoint: 'https://dbc-a1b2345c-d6e7.cloud.databricks.com/api/2.0/preview/scim/v2/Me',
      },
      scope: 'all-apis offline_access',
      apiBaseUrl: 'https://dbc-a1b2345c-d6e7.cloud.databricks.com/api',
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkce: true,
      subjectClaim: 'id',
    });
    expect(databricks.values).toEqual({ baseUrl: 'required' });
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('databricks profileClaims: the SCIM Current User, its id qualified by the workspace', () => {
  it("names the person by the Databricks user ID at the workspace's host, with the display name, the names, the user name and the primary e-mail", () => {
    const me = {
      id: '7012345678901234',
      userName: 'ada@example.com',
      displayName: ' Ada Lovelace ',
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ value: 'old@example.com', primary: false }, { value: 'ada@example.com', primary: true, type: 'work' }],
      active: true,
      groups: [{ display: 'users', value: '123' }],
      entitlements: [{ value: 'workspace-access' }],
    };
    expect(profileClaims!(me)).toEqual({
      id: '7012345678901234@dbc-a1b2345c-d6e7.cloud.databricks.com',
      user_id: '7012345678901234',
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      preferred_username: 'ada@example.com',
      email: 'ada@example.com',
    });
  });

  it('the same id at another workspace is another person; the names are joined without a display name, and the first e-mail stands in for a primary one', () => {
    expect(currentUserClaims('adb-1.7.azuredatabricks.net')({ id: '42', name: { givenName: 'Grace', familyName: 'Hopper' }, emails: [{ value: ' ' }, { value: 'grace@example.com' }] })).toEqual({
      id: '42@adb-1.7.azuredatabricks.net',
      user_id: '42',
      name: 'Grace Hopper',
      given_name: 'Grace',
      family_name: 'Hopper',
      email: 'grace@example.com',
    });
    expect(profileClaims!({ id: '43', emails: 'not-a-list' })).toEqual({ id: '43@dbc-a1b2345c-d6e7.cloud.databricks.com', user_id: '43' });
  });

  it.each([[{ userName: 'ada@example.com' }], [{ id: 42 }], [{ id: ' ' }], [{ error_code: 'UNAUTHENTICATED', message: 'no' }], [null], [[{ id: '1' }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
