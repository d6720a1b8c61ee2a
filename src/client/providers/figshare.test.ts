import { describe, expect, it } from 'vitest';
import { figshare } from './figshare.js';

const settings = figshare.settings({});
const { profileClaims } = settings.hooks!;

describe('figshare settings', () => {
  it('signs in at figshare.com, takes tokens, the account and API calls at api.figshare.com/v2 with the token under the `token` scheme, asks `all`, sends the client in the form, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://figshare.com/account/applications/authorize',
        tokenEndpoint: 'https://api.figshare.com/v2/token',
        userinfoEndpoint: 'https://api.figshare.com/v2/account',
      },
      apiBaseUrl: 'https://api.figshare.com/v2',
      scope: 'all',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      userinfoTokenScheme: 'token',
      apiTokenScheme: 'token',
      subjectClaim: 'id',
    });
    expect(figshare.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('figshare profileClaims: the account of GET /account', () => {
  it('takes the id as text, the first and last names and the e-mail, not the quotas or the institution', () => {
    expect(
      profileClaims!({
        id: 1495682,
        first_name: 'Doe',
        last_name: ' John ',
        used_quota_private: 0,
        modified_date: '2018-05-22T04:04:04',
        used_quota: 0,
        created_date: '2018-05-22T04:04:04',
        quota: 0,
        group_id: 0,
        institution_user_id: 'djohn42',
        institution_id: 1,
        email: 'user@domain.com',
        used_quota_public: 0,
        pending_quota_request: true,
        active: 0,
        maximum_file_size: 0,
      }),
    ).toEqual({ id: '1495682', name: 'Doe John', given_name: 'Doe', family_name: 'John', email: 'user@domain.com' });
  });

  it('leaves out what is empty or null (figshare sends blank fields as null)', () => {
    expect(profileClaims!({ id: 7, first_name: null, last_name: 'Hopper', email: null })).toEqual({ id: '7', name: 'Hopper', family_name: 'Hopper' });
    expect(profileClaims!({ id: 8 })).toEqual({ id: '8' });
  });

  it.each([[{ first_name: 'Ada', email: 'ada@example.com' }], [{ id: '1495682' }], [{ id: 0 }], [{ id: 1.5 }], [{ message: 'Invalid or unknown authorization info', code: 401 }], [null], [[{ id: 1 }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
