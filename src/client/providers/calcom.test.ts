import { describe, expect, it } from 'vitest';
import { calcom } from './calcom.js';

const settings = calcom.settings({});
const { profileClaims } = settings.hooks!;

describe('calcom settings', () => {
  it('signs in at app.cal.com, exchanges and refreshes at api.cal.com/v2, asks PROFILE_READ, sends the client in the body, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://app.cal.com/auth/oauth2/authorize',
        tokenEndpoint: 'https://api.cal.com/v2/auth/oauth2/token',
        userinfoEndpoint: 'https://api.cal.com/v2/me',
      },
      apiBaseUrl: 'https://api.cal.com/v2',
      scope: 'PROFILE_READ',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(calcom.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('calcom profileClaims: the data of /v2/me', () => {
  it('takes the id as text, the name, the username, the e-mail and the avatar, not the time zone or the organization', () => {
    expect(
      profileClaims!({ status: 'success', data: { id: 1234, username: 'ada', email: 'ada@example.com', name: ' Ada Lovelace ', avatarUrl: 'https://cal.com/avatar.png', bio: null, timeFormat: 24, defaultScheduleId: 7, weekStart: 'Monday', timeZone: 'Europe/London', locale: 'en', organizationId: null } }),
    ).toEqual({ id: '1234', name: 'Ada Lovelace', preferred_username: 'ada', email: 'ada@example.com', picture: 'https://cal.com/avatar.png' });
  });

  it('leaves out what is empty', () => {
    expect(profileClaims!({ status: 'success', data: { id: 5, username: ' ', name: null } })).toEqual({ id: '5' });
  });

  it.each([[{ status: 'success', data: { id: '1234' } }], [{ status: 'success', data: { id: 0 } }], [{ status: 'success', data: { id: 1.5 } }], [{ id: 1234 }], [{ status: 'error', error: { code: 'UnauthorizedException' } }], [null], [[{ data: { id: 1 } }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
