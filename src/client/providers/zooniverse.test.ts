import { describe, expect, it } from 'vitest';
import { zooniverse } from './zooniverse.js';

const settings = zooniverse.settings({});
const { profileClaims } = settings.hooks!;

describe('zooniverse settings', () => {
  it('signin.zooniverse.org for OAuth, /api/me and the API, with the Accept header Panoptes requires; user public without PKCE, the client in the form, no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://signin.zooniverse.org/oauth/authorize',
        tokenEndpoint: 'https://signin.zooniverse.org/oauth/token',
        userinfoEndpoint: 'https://signin.zooniverse.org/api/me',
      },
      scope: 'user public',
      apiBaseUrl: 'https://signin.zooniverse.org/api',
      apiHeaders: { accept: 'application/vnd.api+json; version=1' },
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(zooniverse.values).toBeUndefined();
    expect(settings.endpoints!.revocationEndpoint).toBeUndefined();
    expect(settings.hooks!.revoke).toBeUndefined();
  });
});

describe('zooniverse profileClaims: the one user of /api/me', () => {
  const user = { id: '9999999', login: 'username', display_name: 'Username', credited_name: 'Username Usernamerson', email: 'email@example.org', languages: [], type: 'users', zooniverse_id: 'panoptes-9999999', valid_email: true, confirmed_at: '2024-01-25T17:33:01.000Z', admin: true, links: {} };

  it('takes the id, the display name, the login, the credited name and the e-mail, verified as it was confirmed, and not the flags', () => {
    expect(profileClaims!({ users: [user], links: {} })).toEqual({ id: '9999999', name: 'Username', preferred_username: 'username', credited_name: 'Username Usernamerson', email: 'email@example.org', email_verified: true });
  });

  it('an e-mail not confirmed is of unknown verification; the login names the person without a display name; an integer id is taken as its digits', () => {
    expect(profileClaims!({ users: [{ ...user, confirmed_at: null }] })).not.toHaveProperty('email_verified');
    expect(profileClaims!({ users: [{ ...user, display_name: ' ' }] })).toMatchObject({ name: 'username' });
    expect(profileClaims!({ users: [{ id: 1, login: 'stuart' }] })).toEqual({ id: '1', name: 'stuart', preferred_username: 'stuart' });
  });

  it.each([[{ users: [] }], [{ users: [user, { ...user, id: '2' }] }], [{ users: [{ ...user, id: 'panoptes-1' }] }], [{ users: [{ ...user, id: 0 }] }], [user], [{ errors: [{ message: 'Not Found' }] }], [null]])('names no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
