import { describe, expect, it } from 'vitest';
import { mastodon } from './mastodon.js';

const settings = mastodon.settings({ baseUrl: 'https://social.example.com/' });
const { profileClaims } = settings.hooks!;

describe('mastodon settings', () => {
  it("needs the instance's URL; the OAuth endpoints, verify_credentials and revocation are under it, the API base is its /api, read:accounts with PKCE and the client in the form", () => {
    expect(mastodon.values).toEqual({ baseUrl: 'required' });
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://social.example.com/oauth/authorize',
        tokenEndpoint: 'https://social.example.com/oauth/token',
        userinfoEndpoint: 'https://social.example.com/api/v1/accounts/verify_credentials',
        revocationEndpoint: 'https://social.example.com/oauth/revoke',
      },
      scope: 'read:accounts',
      apiBaseUrl: 'https://social.example.com/api',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
    // No discovery (an instance before 4.3 has none), and PKCE left on (the default).
    expect(settings).not.toHaveProperty('discovery');
    expect(settings).not.toHaveProperty('pkce');
    expect(Object.keys(settings.hooks!)).toEqual(['profileClaims']);
  });
});

describe('mastodon profileClaims: the account of verify_credentials', () => {
  const account = { id: '14715', username: 'trwnh', acct: 'trwnh', display_name: 'infinite love ⴳ', url: 'https://mastodon.social/@trwnh', source: { privacy: 'public' } };

  it('takes the id, the display name and the username, nothing else', () => {
    expect(profileClaims!(account)).toEqual({ id: '14715', name: 'infinite love ⴳ', preferred_username: 'trwnh' });
  });

  it('an empty display name: the username is the name', () => {
    expect(profileClaims!({ ...account, display_name: '  ' })).toEqual({ id: '14715', name: 'trwnh', preferred_username: 'trwnh' });
  });

  it('neither a display name nor a username: the id alone', () => {
    expect(profileClaims!({ id: '14715' })).toEqual({ id: '14715' });
  });

  it.each([[{ ...account, id: 14715 }], [{ ...account, id: '' }], [{ username: 'trwnh' }], [{ error: 'The access token is invalid' }], [null], [[account]], ['14715']])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
