import { describe, expect, it } from 'vitest';
import { qonto } from './qonto.js';

const settings = qonto.settings({});
const { profileClaims } = settings.hooks!;

describe('qonto settings', () => {
  it('signs in at oauth.qonto.com, reads /v2/membership on thirdparty.qonto.com, asks offline_access membership.read organization.read, sends the client in the form, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://oauth.qonto.com/oauth2/auth',
        tokenEndpoint: 'https://oauth.qonto.com/oauth2/token',
        userinfoEndpoint: 'https://thirdparty.qonto.com/v2/membership',
      },
      apiBaseUrl: 'https://thirdparty.qonto.com/v2',
      scope: 'offline_access membership.read organization.read',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(qonto.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('qonto profileClaims: /v2/membership’s { membership }', () => {
  it('takes the membership id, the names, e-mail, locale and role, not the phone number or KYC status', () => {
    expect(
      profileClaims!({ membership: { id: 'c9f9f051-7558-451c-b310-f4b8521424aa', first_name: 'Bruce Thomas Patrick', last_name: ' Wayne ', email: 'batman@dc-comics.com', phone_number: '+49123456789', position: 'Criminals threatener', status: 'active', role: 'owner', locale: 'de', team_id: 'd1f9f066-5642-462d-b421-a7d8521556bc', kyc_status: 'accepted' } }),
    ).toEqual({ id: 'c9f9f051-7558-451c-b310-f4b8521424aa', name: 'Bruce Thomas Patrick Wayne', given_name: 'Bruce Thomas Patrick', family_name: 'Wayne', email: 'batman@dc-comics.com', locale: 'de', role: 'owner' });
  });

  it('leaves out what is empty or of another type', () => {
    expect(profileClaims!({ membership: { id: 'm-1', first_name: '', last_name: 'Hopper', email: null } })).toEqual({ id: 'm-1', name: 'Hopper', family_name: 'Hopper' });
    expect(profileClaims!({ membership: { id: 'm-2' } })).toEqual({ id: 'm-2' });
  });

  it.each([[{ membership: { email: 'a@b.test' } }], [{ membership: { id: 12 } }], [{ membership: { id: ' ' } }], [{ id: 'm-3' }], [{ errors: [{ code: 'unauthorized' }] }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
