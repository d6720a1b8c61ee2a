import { describe, expect, it } from 'vitest';
import { simplelogin } from './simplelogin.js';

const settings = simplelogin.settings({});
const { profileClaims } = settings.hooks!;

describe('simplelogin settings', () => {
  it("app.simplelogin.io's /oauth2 for everything; scope profile, the client in the form, the subject userinfo's sub, no revocation", () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://app.simplelogin.io/oauth2/authorize',
        tokenEndpoint: 'https://app.simplelogin.io/oauth2/token',
        userinfoEndpoint: 'https://app.simplelogin.io/oauth2/userinfo',
      },
      scope: 'profile',
      apiBaseUrl: 'https://app.simplelogin.io/oauth2',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'sub',
    });
    expect(settings.endpoints!.revocationEndpoint).toBeUndefined();
    expect(settings.hooks!.revoke).toBeUndefined();
  });
});

describe('simplelogin profileClaims: /oauth2/userinfo', () => {
  const user = { avatar_url: 'https://avatar.png', client: 'Tokenkeeper', email: 'wick.alias@simplelogin.co', email_verified: true, id: 36, name: 'John Wick', sub: '36' };

  it('takes sub, the name, the e-mail (an alias here), email_verified, the avatar and the app', () => {
    expect(profileClaims!(user)).toEqual({ sub: '36', name: 'John Wick', email: 'wick.alias@simplelogin.co', avatar_url: 'https://avatar.png', client: 'Tokenkeeper', email_verified: true });
  });

  it('leaves out what is empty, an avatar not shared, and an email_verified that is not a boolean', () => {
    expect(profileClaims!({ sub: ' 37 ', id: 37, name: ' ', email: 'a@example.com', email_verified: 'yes' })).toEqual({ sub: '37', email: 'a@example.com' });
  });

  it('names no one without a sub (an error answer, the numeric id alone)', () => {
    expect(profileClaims!({ error: 'Invalid access token' })).toBeUndefined();
    expect(profileClaims!({ ...user, sub: undefined })).toBeUndefined();
    expect(profileClaims!({ ...user, sub: '' })).toBeUndefined();
    expect(profileClaims!(null)).toBeUndefined();
  });
});
