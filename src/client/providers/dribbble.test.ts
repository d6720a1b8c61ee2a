import { describe, expect, it } from 'vitest';
import { dribbble } from './dribbble.js';

const settings = dribbble.settings({});
const { profileClaims } = settings.hooks!;

describe('dribbble settings', () => {
  it('dribbble.com for OAuth and api.dribbble.com/v2 for the API and /user; public without PKCE, the client in the form', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://dribbble.com/oauth/authorize',
        tokenEndpoint: 'https://dribbble.com/oauth/token',
        userinfoEndpoint: 'https://api.dribbble.com/v2/user',
      },
      scope: 'public',
      apiBaseUrl: 'https://api.dribbble.com/v2',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(settings.endpoints!.revocationEndpoint).toBeUndefined();
    expect(settings.hooks!.revoke).toBeUndefined();
  });
});

describe('dribbble profileClaims: the user of /user', () => {
  const user = { id: 1, name: 'Dan Cederholm', login: 'simplebits', html_url: 'https://dribbble.com/simplebits', avatar_url: 'https://cdn.dribbble.com/users/1/avatars/normal/dc.jpg', pro: true, teams: [] };

  it('takes the numeric id as its digits, the name and the login, and nothing else', () => {
    expect(profileClaims!(user)).toEqual({ id: '1', name: 'Dan Cederholm', login: 'simplebits' });
  });

  it('keeps an e-mail the answer carries, and leaves out what is empty', () => {
    expect(profileClaims!({ ...user, email: 'dan@example.com' })).toMatchObject({ email: 'dan@example.com' });
    expect(profileClaims!({ id: 2, name: ' ', login: '', email: null })).toEqual({ id: '2' });
  });

  it('names no one without a numeric id (an error answer, an id as text)', () => {
    expect(profileClaims!({ message: 'Bad credentials.' })).toBeUndefined();
    expect(profileClaims!({ ...user, id: '1' })).toBeUndefined();
    expect(profileClaims!({ ...user, id: 1.5 })).toBeUndefined();
    expect(profileClaims!(null)).toBeUndefined();
  });
});
