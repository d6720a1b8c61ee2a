import { describe, expect, it } from 'vitest';
import { teamleader } from './teamleader.js';

const settings = teamleader.settings({});
const { profileClaims } = settings.hooks!;

const ME = {
  id: 'cb8da52a-ce89-4bf6-8f7e-8ee6cb85e3b5',
  account: { type: 'account', id: '0fc55513-7f68-4865-aba0-de5da9e4e43d' },
  first_name: 'John',
  last_name: ' Smith ',
  email: 'john@teamleader.eu',
  email_verification_status: 'confirmed',
  telephones: [],
  language: 'nl-BE',
  function: 'Sales',
  time_zone: 'Europe/Brussels',
  preferences: { invoiceable: true, historic_time_tracking_limit: null, whitelabeling: true },
};

describe('teamleader settings', () => {
  it('signs in at focus.teamleader.eu, POSTs users.me and calls the API at api.focus.teamleader.eu, asks no scope, sends the client in the form, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://focus.teamleader.eu/oauth2/authorize',
        tokenEndpoint: 'https://focus.teamleader.eu/oauth2/access_token',
        userinfoEndpoint: 'https://api.focus.teamleader.eu/users.me',
      },
      apiBaseUrl: 'https://api.focus.teamleader.eu',
      scope: '',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      userinfoPostJson: {},
      subjectClaim: 'id',
    });
    expect(teamleader.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('teamleader profileClaims: the user inside users.me’s { data }', () => {
  it('takes the id, the account’s id, the names, the e-mail verified when confirmed, the language and the time zone, not the function or the preferences', () => {
    expect(profileClaims!({ data: ME })).toEqual({
      id: 'cb8da52a-ce89-4bf6-8f7e-8ee6cb85e3b5',
      account_id: '0fc55513-7f68-4865-aba0-de5da9e4e43d',
      name: 'John Smith',
      given_name: 'John',
      family_name: 'Smith',
      email: 'john@teamleader.eu',
      email_verified: true,
      locale: 'nl-BE',
      zoneinfo: 'Europe/Brussels',
    });
  });

  it('keeps a pending e-mail unverified, and leaves out what is empty', () => {
    expect(profileClaims!({ data: { ...ME, email_verification_status: 'pending' } })).toMatchObject({ email: 'john@teamleader.eu', email_verified: false });
    expect(profileClaims!({ data: { id: ME.id, first_name: ' ', last_name: 'Smith', email: '', account: { id: 7 } } })).toEqual({ id: ME.id, name: 'Smith', family_name: 'Smith' });
  });

  it.each([[{ data: { ...ME, id: 42 } }], [{ data: { ...ME, id: 'john' } }], [ME], [{ errors: [{ title: 'Unauthorized' }] }], [null], [{ data: [ME] }]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
