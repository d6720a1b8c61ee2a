import { describe, expect, it } from 'vitest';
import { ramp } from './ramp.js';

const settings = ramp.settings({});
const { profileClaims } = settings.hooks!;

describe('ramp settings', () => {
  it('signs in at app.ramp.com, exchanges, reads the business, calls and revokes at api.ramp.com, asks business:read, sends the client as Basic, no PKCE', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://app.ramp.com/v1/authorize',
        tokenEndpoint: 'https://api.ramp.com/developer/v1/token',
        userinfoEndpoint: 'https://api.ramp.com/developer/v1/business',
        revocationEndpoint: 'https://api.ramp.com/developer/v1/token/revoke',
      },
      scope: 'business:read',
      apiBaseUrl: 'https://api.ramp.com/developer/v1',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(ramp.values).toBeUndefined();
    // RFC 7009 at the revocation endpoint: no hook of its own.
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('ramp profileClaims: the business of /developer/v1/business', () => {
  it('takes the id and the legal name, not the address, the limits or the phone', () => {
    expect(
      profileClaims!({ active: true, billing_address: { city: 'New York City' }, business_name_legal: ' Sushi Luncheonette ', business_name_on_card: 'SUSHI', id: '9abffcf0-dd7d-42f0-b806-ce0502ab6496', initial_approved_limit: 2000000, phone: '8014441234', website: 'www.ramp.com' }),
    ).toEqual({ id: '9abffcf0-dd7d-42f0-b806-ce0502ab6496', name: 'Sushi Luncheonette' });
  });

  it('names the business by the name on its cards without a legal name, and leaves out what is empty', () => {
    expect(profileClaims!({ id: 'b1', business_name_legal: ' ', business_name_on_card: 'SUSHI LUNCH' })).toEqual({ id: 'b1', name: 'SUSHI LUNCH' });
    expect(profileClaims!({ id: 'b2' })).toEqual({ id: 'b2' });
  });

  it.each([[{ business_name_legal: 'Sushi' }], [{ id: 42 }], [{ id: ' ' }], [{ error_v2: { error_code: 'DEVELOPER_7001', message: 'x' } }], [null], [[{ id: 'b1' }]]])('finds no business in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
