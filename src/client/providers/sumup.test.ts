import { describe, expect, it } from 'vitest';
import { sumup } from './sumup.js';

const settings = sumup.settings({});
const { profileClaims } = settings.hooks!;

describe('sumup settings', () => {
  it('signs in, exchanges, reads the merchant and calls the API at api.sumup.com, asks the profile and the transaction history, sends the client in the form, no PKCE and no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://api.sumup.com/authorize',
        tokenEndpoint: 'https://api.sumup.com/token',
        userinfoEndpoint: 'https://api.sumup.com/v0.1/me',
      },
      scope: 'user.profile_readonly transactions.history',
      apiBaseUrl: 'https://api.sumup.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'merchant_code',
    });
    expect(sumup.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('sumup profileClaims: the merchant account of /v0.1/me', () => {
  it('takes the merchant code, the names and the username, not the address, the phone or the bank details', () => {
    expect(
      profileClaims!({
        account: { username: 'ada@example.com', type: 'normal' },
        personal_profile: { first_name: ' Ada ', last_name: 'Lovelace', mobile_phone: '+44 20 7946 0000', address: { city: 'London', country: 'GB' }, complete: true },
        merchant_profile: { merchant_code: 'MH4H92C7', company_name: 'Analytical Engines Ltd', vat_id: 'GB123', bank_accounts: [{ iban: 'GB00' }] },
      }),
    ).toEqual({ merchant_code: 'MH4H92C7', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', preferred_username: 'ada@example.com' });
  });

  it("names the merchant by the company's name without personal names, and leaves out what is empty", () => {
    expect(profileClaims!({ account: { type: 'normal' }, personal_profile: { first_name: ' ' }, merchant_profile: { merchant_code: 'MK01A8C2', company_name: 'Gin & Doughnuts Bar GmbH' } })).toEqual({ merchant_code: 'MK01A8C2', name: 'Gin & Doughnuts Bar GmbH' });
    expect(profileClaims!({ merchant_profile: { merchant_code: 'MK01A8C3' } })).toEqual({ merchant_code: 'MK01A8C3' });
  });

  it('finds no one in an operator\'s answer: the merchant code there is the employer\'s', () => {
    expect(profileClaims!({ account: { username: 'till-1', type: 'operator' }, merchant_profile: { merchant_code: 'MH4H92C7' } })).toBeUndefined();
  });

  it.each([[{ account: { type: 'normal' } }], [{ merchant_profile: { merchant_code: 42 } }], [{ merchant_profile: { merchant_code: ' ' } }], [{ error_message: 'invalid access token', error_code: 'NOT_AUTHORIZED' }], [null], [[{ merchant_profile: { merchant_code: 'M1' } }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
