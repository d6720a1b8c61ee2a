import { describe, expect, it } from 'vitest';
import { savvycal } from './savvycal.js';

const settings = savvycal.settings({});
const { profileClaims } = settings.hooks!;

describe('savvycal settings', () => {
  it('signs in at savvycal.com, reads the person and calls the API at api.savvycal.com/v1, asks no scope, sends the client in the form, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://savvycal.com/oauth/authorize',
        tokenEndpoint: 'https://savvycal.com/oauth/token',
        userinfoEndpoint: 'https://api.savvycal.com/v1/me',
      },
      apiBaseUrl: 'https://api.savvycal.com/v1',
      scope: '',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(savvycal.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('savvycal profileClaims: the Current User of /v1/me', () => {
  it('takes the id, the display name, the first and last names and the e-mail, not the plan or the time zone', () => {
    expect(
      profileClaims!({ avatar_url: 'https://example.com/avatar.png', display_name: ' John Daker ', email: 'john@savvycal.com', first_day_of_week: 0, first_name: 'John', id: 'user_01ED74HMFGVZ92YVCWTD8Y8H6X', last_name: 'Daker', time_format: '12hr', time_zone: 'America/Chicago', plan: 'basic' }),
    ).toEqual({ id: 'user_01ED74HMFGVZ92YVCWTD8Y8H6X', name: 'John Daker', given_name: 'John', family_name: 'Daker', email: 'john@savvycal.com' });
  });

  it('joins the first and last names when there is no display name, and leaves out what is empty', () => {
    expect(profileClaims!({ id: 'user_1', display_name: ' ', first_name: 'Ada', last_name: 'Lovelace', email: null })).toEqual({ id: 'user_1', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace' });
    expect(profileClaims!({ id: 'user_2', first_name: '', last_name: 'Hopper' })).toEqual({ id: 'user_2', name: 'Hopper', family_name: 'Hopper' });
    expect(profileClaims!({ id: 'user_3' })).toEqual({ id: 'user_3' });
  });

  it.each([[{ display_name: 'John Daker' }], [{ id: 42 }], [{ id: ' ' }], [{ errors: [{ message: 'Unauthenticated' }] }], [null], [[{ id: 'user_1' }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
