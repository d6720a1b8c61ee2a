import { describe, expect, it } from 'vitest';
import { snapchat } from './snapchat.js';

const settings = snapchat.settings({});
const { profileClaims } = settings.hooks!;

describe('snapchat settings', () => {
  it('names accounts.snapchat.com’s endpoints and kit.snapchat.com’s user query, asks the external id and display name scopes, sends the client as Basic with PKCE, reads `me` with a POST, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://accounts.snapchat.com/accounts/oauth2/auth',
        tokenEndpoint: 'https://accounts.snapchat.com/accounts/oauth2/token',
        userinfoEndpoint: 'https://kit.snapchat.com/v1/me',
      },
      apiBaseUrl: 'https://kit.snapchat.com/v1',
      scope: 'https://auth.snapchat.com/oauth2/api/user.external_id https://auth.snapchat.com/oauth2/api/user.display_name',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      userinfoPostJson: { query: '{ me { externalId displayName } }' },
      subjectClaim: 'externalId',
    });
    expect(settings.pkce).not.toBe(false);
    expect(snapchat.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('snapchat profileClaims: the GraphQL `me`', () => {
  it('takes the external id as it is and the display name trimmed', () => {
    expect(profileClaims!({ data: { me: { externalId: 'CAESIPm2/Zt3Lm0Vx2Kp9Rb4Ns7Wc1Jd6Fh5Gy+q8A=', displayName: ' Ada L ' } } })).toEqual({
      externalId: 'CAESIPm2/Zt3Lm0Vx2Kp9Rb4Ns7Wc1Jd6Fh5Gy+q8A=',
      name: 'Ada L',
    });
  });

  it('leaves out an empty display name and keeps no Bitmoji', () => {
    expect(profileClaims!({ data: { me: { externalId: 'CAESIabc', displayName: '  ', bitmoji: { avatar: 'https://sdk.bitmoji.com/a.png' } } } })).toEqual({ externalId: 'CAESIabc' });
  });

  it.each([
    [{ data: { me: { displayName: 'Ada' } } }],
    [{ data: { me: { externalId: '' } } }],
    [{ data: { me: { externalId: '  ' } } }],
    [{ data: { me: { externalId: 42 } } }],
    [{ data: { me: null } }],
    [{ data: null, errors: [{ message: 'Unauthorized' }] }],
    [{ me: { externalId: 'CAESIabc' } }],
    [null],
  ])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
