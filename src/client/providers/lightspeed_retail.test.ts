import { describe, expect, it } from 'vitest';
import { lightspeed_retail } from './lightspeed_retail.js';

const settings = lightspeed_retail.settings({});
const { profileClaims } = settings.hooks!;

describe('lightspeed_retail settings', () => {
  it('signs in and gets tokens at cloud.lightspeedapp.com/auth/oauth, reads Account.json and calls API V3 at api.lightspeedapp.com, asks employee:all without PKCE, sends the client in the form, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://cloud.lightspeedapp.com/auth/oauth/authorize',
        tokenEndpoint: 'https://cloud.lightspeedapp.com/auth/oauth/token',
        userinfoEndpoint: 'https://api.lightspeedapp.com/API/V3/Account.json',
      },
      apiBaseUrl: 'https://api.lightspeedapp.com/API/V3',
      scope: 'employee:all',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(lightspeed_retail.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('lightspeed_retail profileClaims: the Account of /API/V3/Account.json', () => {
  it("takes the account's id and name, not its link", () => {
    expect(profileClaims!({ '@attributes': { count: '1' }, Account: { accountID: '12345', name: ' Corner Bikes ', link: { '@attributes': { href: '/API/V3/Account/12345' } } } })).toEqual({ id: '12345', name: 'Corner Bikes' });
  });

  it('takes an id sent as a number, and leaves out an empty name', () => {
    expect(profileClaims!({ Account: { accountID: 678, name: '' } })).toEqual({ id: '678' });
  });

  it.each([
    [{ '@attributes': { count: '0' } }],
    [{ Account: [{ accountID: '1' }, { accountID: '2' }] }],
    [{ Account: { accountID: 'abc' } }],
    [{ Account: { accountID: '0' } }],
    [{ Account: { accountID: ' ' } }],
    [{ Account: { accountID: 1.5 } }],
    [{ Account: { name: 'No id' } }],
    [{ httpCode: '401', httpMessage: 'Unauthorized', message: 'Invalid access token.' }],
    [null],
  ])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
