import { describe, expect, it } from 'vitest';
import { hootsuite } from './hootsuite.js';

const settings = hootsuite.settings({});
const { profileClaims } = settings.hooks!;

describe('hootsuite settings', () => {
  it('signs in and reads the member at platform.hootsuite.com, asks offline, sends the client as Basic, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://platform.hootsuite.com/oauth2/auth',
        tokenEndpoint: 'https://platform.hootsuite.com/oauth2/token',
        userinfoEndpoint: 'https://platform.hootsuite.com/v1/me',
      },
      apiBaseUrl: 'https://platform.hootsuite.com/v1',
      scope: 'offline',
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(hootsuite.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('hootsuite profileClaims: the data of /v1/me', () => {
  it('takes the member ID, the full name and the e-mail, not the company, time zone or language', () => {
    expect(
      profileClaims!({ data: { id: '15240789', email: 'jsmith@test.com', isActive: true, createdDate: '2013-05-29T13:27:24Z', modifiedDate: '2013-05-29T13:27:24Z', fullName: ' Joe Smith ', companyName: 'Hootsuite', bio: 'I am Joe Smith', timezone: 'America/Vancouver', language: 'en' } }),
    ).toEqual({ id: '15240789', name: 'Joe Smith', email: 'jsmith@test.com' });
  });

  it('leaves out what is empty', () => {
    expect(profileClaims!({ data: { id: '7', fullName: ' ', email: null } })).toEqual({ id: '7' });
  });

  it.each([[{ data: { id: 15240789 } }], [{ data: { id: '' } }], [{ data: { id: 'jsmith' } }], [{ id: '15240789' }], [{ errors: [{ code: 1001, message: 'Invalid access token' }] }], [null], [[{ data: { id: '1' } }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
