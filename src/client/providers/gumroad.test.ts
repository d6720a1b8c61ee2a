import { describe, expect, it } from 'vitest';
import { gumroad } from './gumroad.js';

const settings = gumroad.settings({});
const { profileClaims } = settings.hooks!;

describe('gumroad settings', () => {
  it('names gumroad.com’s endpoints and the v2 API, asks view_profile, sends the client in the form, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://gumroad.com/oauth/authorize',
        tokenEndpoint: 'https://gumroad.com/oauth/token',
        userinfoEndpoint: 'https://api.gumroad.com/v2/user',
      },
      apiBaseUrl: 'https://api.gumroad.com/v2',
      scope: 'view_profile',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'user_id',
    });
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('gumroad profileClaims: /v2/user', () => {
  it('takes the user_id, the name, the e-mail, the profile page and the picture of the reference’s example', () => {
    expect(
      profileClaims!({
        success: true,
        user: { bio: 'a sailor, a tailor', name: 'John Smith', twitter_handle: null, user_id: 'G_-mnBf9b1j9A7a4ub4nFQ==', email: 'johnsmith@gumroad.com', url: 'https://gumroad.com/sailorjohn', profile_picture_url: 'https://assets.gumroad.com/user/abc/avatar' },
      }),
    ).toEqual({ user_id: 'G_-mnBf9b1j9A7a4ub4nFQ==', name: 'John Smith', email: 'johnsmith@gumroad.com', profile: 'https://gumroad.com/sailorjohn', picture: 'https://assets.gumroad.com/user/abc/avatar' });
  });

  it('leaves out what is missing: no e-mail without view_sales, no page without a username', () => {
    expect(profileClaims!({ success: true, user: { name: ' Jo ', user_id: 'abc==', bio: null } })).toEqual({ user_id: 'abc==', name: 'Jo' });
  });

  it.each([
    [{ success: false, message: 'The access token is invalid.' }],
    [{ success: true, user: { name: 'John Smith' } }],
    [{ success: true, user: { user_id: '  ' } }],
    [{ success: true, user: { user_id: 17 } }],
    [{ user: { user_id: 'abc==' } }],
    [{ success: true, user: null }],
    [null],
  ])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
