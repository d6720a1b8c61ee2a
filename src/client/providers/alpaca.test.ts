import { describe, expect, it } from 'vitest';
import { alpaca } from './alpaca.js';

const settings = alpaca.settings({});
const { profileClaims } = settings.hooks!;

describe('alpaca settings', () => {
  it('authorizes at app.alpaca.markets for a live account, exchanges the code at api.alpaca.markets with the client in the form, asks no scope, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://app.alpaca.markets/oauth/authorize',
        tokenEndpoint: 'https://api.alpaca.markets/oauth/token',
        userinfoEndpoint: 'https://api.alpaca.markets/v2/account',
      },
      apiBaseUrl: 'https://api.alpaca.markets',
      authorizationParams: { env: 'live' },
      scope: '',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(alpaca.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('alpaca profileClaims: the account of /v2/account', () => {
  it('takes the id, the account number as the preferred username, the status and the currency, not the balances', () => {
    expect(
      profileClaims!({ account_blocked: false, account_number: '010203ABCD', buying_power: '262113.632', cash: '-23140.2', created_at: '2019-06-12T22:47:07.99658Z', currency: 'USD', id: 'e6fe16f3-64a4-4921-8928-cadf02f92f98', status: 'ACTIVE', portfolio_value: '103820.56' }),
    ).toEqual({ id: 'e6fe16f3-64a4-4921-8928-cadf02f92f98', preferred_username: '010203ABCD', status: 'ACTIVE', currency: 'USD' });
  });

  it('leaves out what is missing or empty, and trims the id', () => {
    expect(profileClaims!({ id: ' 904837e3-3b76-47ec-b432-046db621571b ', account_number: '', status: null })).toEqual({ id: '904837e3-3b76-47ec-b432-046db621571b' });
  });

  it.each([[{ account_number: '010203ABCD' }], [{ id: 42 }], [{ id: ' ' }], [{ code: 40110000, message: 'request is not authorized' }], [null], [[{ id: 'e6fe16f3-64a4-4921-8928-cadf02f92f98' }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
