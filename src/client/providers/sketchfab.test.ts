import { describe, expect, it } from 'vitest';
import { sketchfab } from './sketchfab.js';

const settings = sketchfab.settings({});
const { profileClaims } = settings.hooks!;

describe('sketchfab settings', () => {
  it("sketchfab.com's /oauth2/ endpoints with their trailing slash, api.sketchfab.com/v3 for the API and /me; no scope asked, no PKCE, the client in the form", () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://sketchfab.com/oauth2/authorize/',
        tokenEndpoint: 'https://sketchfab.com/oauth2/token/',
        userinfoEndpoint: 'https://api.sketchfab.com/v3/me',
      },
      scope: '',
      apiBaseUrl: 'https://api.sketchfab.com/v3',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'uid',
    });
    expect(settings.endpoints!.revocationEndpoint).toBeUndefined();
    expect(settings.hooks!.revoke).toBeUndefined();
  });
});

describe('sketchfab profileClaims: the user of /v3/me', () => {
  const me = { uid: 'a2b4c6d8e0f24680a2b4c6d8e0f24680', username: 'modeller', displayName: 'Mo Deller', email: 'mo@example.com', profileUrl: 'https://sketchfab.com/modeller', account: 'basic', modelCount: 3 };

  it('takes the uid, the display name, the username and the e-mail, and nothing else', () => {
    expect(profileClaims!(me)).toEqual({ uid: me.uid, name: 'Mo Deller', username: 'modeller', email: 'mo@example.com' });
  });

  it('leaves out what is empty', () => {
    expect(profileClaims!({ uid: me.uid, displayName: ' ', username: '', email: null })).toEqual({ uid: me.uid });
  });

  it('names no one without a uid (an error answer, a uid that is not text or is blank)', () => {
    expect(profileClaims!({ detail: 'Invalid token.' })).toBeUndefined();
    expect(profileClaims!({ ...me, uid: 42 })).toBeUndefined();
    expect(profileClaims!({ ...me, uid: ' ' })).toBeUndefined();
    expect(profileClaims!(null)).toBeUndefined();
  });
});
