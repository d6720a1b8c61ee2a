import { describe, expect, it } from 'vitest';
import { wakatime } from './wakatime.js';

const settings = wakatime.settings({});
const { profileClaims } = settings.hooks!;

describe('wakatime settings', () => {
  it('signs in at wakatime.com, reads the person and calls the API at api.wakatime.com/api/v1, asks email, sends the client in the form with the redirect_uri on refreshes, and revokes at /oauth/revoke', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://wakatime.com/oauth/authorize',
        tokenEndpoint: 'https://wakatime.com/oauth/token',
        userinfoEndpoint: 'https://api.wakatime.com/api/v1/users/current',
        revocationEndpoint: 'https://wakatime.com/oauth/revoke',
      },
      apiBaseUrl: 'https://api.wakatime.com/api/v1',
      scope: 'email',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      refreshSendsRedirectUri: true,
      subjectClaim: 'id',
    });
    expect(wakatime.values).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('wakatime profileClaims: the data of /users/current', () => {
  const user = {
    id: '71580bdd-fd95-41a2-babd-182b9a930d8b',
    display_name: 'Ada Lovelace',
    full_name: ' Ada Lovelace ',
    email: 'ada@example.com',
    is_email_confirmed: true,
    username: 'ada',
    photo: 'https://wakatime.com/photo/71580bdd',
    plan: 'basic',
    timezone: 'Europe/London',
  };

  it('takes the id, the full name, the username, the photo and the e-mail verified as is_email_confirmed says, not the plan or the time zone', () => {
    expect(profileClaims!({ data: user })).toEqual({
      id: '71580bdd-fd95-41a2-babd-182b9a930d8b',
      name: 'Ada Lovelace',
      preferred_username: 'ada',
      picture: 'https://wakatime.com/photo/71580bdd',
      email: 'ada@example.com',
      email_verified: true,
    });
    expect(profileClaims!({ data: { ...user, is_email_confirmed: false } })).toMatchObject({ email: 'ada@example.com', email_verified: false });
    expect(profileClaims!({ data: { ...user, is_email_confirmed: 'yes' } })).toMatchObject({ email_verified: false });
  });

  it('falls back to the display name without a full name, but not to "Anonymous User"; no e-mail, no verification', () => {
    expect(profileClaims!({ data: { id: 'u1', full_name: null, display_name: '@ada' } })).toEqual({ id: 'u1', name: '@ada' });
    expect(profileClaims!({ data: { id: 'u2', full_name: '', display_name: 'Anonymous User', email: null, is_email_confirmed: true } })).toEqual({ id: 'u2' });
  });

  it.each([[user], [{ data: { ...user, id: 42 } }], [{ data: { ...user, id: ' ' } }], [{ error: 'Unauthorized' }], [{ data: [user] }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
