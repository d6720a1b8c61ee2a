import { describe, expect, it } from 'vitest';
import { getresponse } from './getresponse.js';

const settings = getresponse.settings({});
const { profileClaims } = settings.hooks!;

describe('getresponse settings', () => {
  it('authorizes at app.getresponse.com, exchanges and reads the account at api.getresponse.com/v3, asks no scope, sends the client as Basic without PKCE, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://app.getresponse.com/oauth2_authorize.html',
        tokenEndpoint: 'https://api.getresponse.com/v3/token',
        userinfoEndpoint: 'https://api.getresponse.com/v3/accounts',
      },
      apiBaseUrl: 'https://api.getresponse.com/v3',
      scope: '',
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(getresponse.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('getresponse profileClaims: the account of /v3/accounts', () => {
  it('takes the accountId, the names joined, the e-mail and the company, not the address or the time zone', () => {
    expect(
      profileClaims!({ accountId: 'B', firstName: 'John', lastName: ' Smith ', email: 'jsmith@example.com', phone: '0417123456', companyName: 'Example Company', city: 'Gdansk', timeZone: { name: 'Europe/Warsaw', offset: '+01:00' }, href: 'https://api.getresponse.com/v3/accounts' }),
    ).toEqual({ id: 'B', name: 'John Smith', given_name: 'John', family_name: 'Smith', email: 'jsmith@example.com', company: 'Example Company' });
  });

  it('leaves out what is empty', () => {
    expect(profileClaims!({ accountId: 'xY', firstName: '', lastName: 'Hopper', companyName: ' ' })).toEqual({ id: 'xY', name: 'Hopper', family_name: 'Hopper' });
    expect(profileClaims!({ accountId: 'z' })).toEqual({ id: 'z' });
  });

  it.each([[{ firstName: 'John' }], [{ accountId: 42 }], [{ accountId: ' ' }], [{ id: 'B' }], [{ httpStatus: 401, code: 1014, message: 'Unable to authenticate request' }], [null], [[{ accountId: 'B' }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
