import { describe, expect, it } from 'vitest';
import { unsplash } from './unsplash.js';

const settings = unsplash.settings({});
const { profileClaims } = settings.hooks!;

describe('unsplash settings', () => {
  it('unsplash.com for OAuth and api.unsplash.com for the API and /me; public read_user without PKCE, the client in the form', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://unsplash.com/oauth/authorize',
        tokenEndpoint: 'https://unsplash.com/oauth/token',
        userinfoEndpoint: 'https://api.unsplash.com/me',
      },
      scope: 'public read_user',
      apiBaseUrl: 'https://api.unsplash.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(settings.endpoints!.revocationEndpoint).toBeUndefined();
    expect(settings.hooks!.revoke).toBeUndefined();
  });
});

describe('unsplash profileClaims: the user of /me', () => {
  const me = {
    id: 'pXhwzz1JtQU',
    updated_at: '2016-07-10T11:00:01-05:00',
    username: 'jimmyexample',
    first_name: 'James',
    last_name: 'Example',
    email: 'jim@example.com',
    uploads_remaining: 4,
    links: { self: 'https://api.unsplash.com/users/jimmyexample' },
  };

  it('takes the id, the username, the first and last names joined, and the e-mail', () => {
    expect(profileClaims!(me)).toEqual({ id: 'pXhwzz1JtQU', username: 'jimmyexample', name: 'James Example', email: 'jim@example.com' });
  });

  it('prefers a name the answer gives whole, and leaves out what is empty', () => {
    expect(profileClaims!({ ...me, name: 'Jim Example' })).toMatchObject({ name: 'Jim Example' });
    expect(profileClaims!({ id: 'abc', first_name: 'Solo', last_name: null, email: '' })).toEqual({ id: 'abc', name: 'Solo' });
    expect(profileClaims!({ id: 'abc', first_name: ' ', last_name: '' })).toEqual({ id: 'abc' });
  });

  it('names no one without a string id (an error answer, a numeric id)', () => {
    expect(profileClaims!({ errors: ['OAuth error: The access token is invalid'] })).toBeUndefined();
    expect(profileClaims!({ ...me, id: 42 })).toBeUndefined();
    expect(profileClaims!({ ...me, id: '' })).toBeUndefined();
    expect(profileClaims!(null)).toBeUndefined();
  });
});
