import { describe, expect, it } from 'vitest';
import { storyblok } from './storyblok.js';

const settings = storyblok.settings({});
const { profileClaims } = settings.hooks!;

describe('storyblok settings', () => {
  it('signs in at app.storyblok.com with PKCE, reads the person and calls the Management API at mapi.storyblok.com/v1, asks read_content write_content, sends the client in the form, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://app.storyblok.com/oauth/authorize',
        tokenEndpoint: 'https://app.storyblok.com/oauth/token',
        userinfoEndpoint: 'https://mapi.storyblok.com/v1/user_info',
      },
      apiBaseUrl: 'https://mapi.storyblok.com/v1',
      scope: 'read_content write_content',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
    expect(settings.pkce).not.toBe(false);
    expect(storyblok.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('storyblok profileClaims: the user of /v1/user_info', () => {
  it('takes the numeric id as text and the friendly name, not the space roles', () => {
    expect(profileClaims!({ user: { friendly_name: ' My name ', id: 20 }, roles: [{ name: 'admin' }] })).toEqual({ id: '20', name: 'My name' });
  });

  it('leaves out a blank or missing friendly name', () => {
    expect(profileClaims!({ user: { id: 21, friendly_name: ' ' }, roles: [] })).toEqual({ id: '21' });
    expect(profileClaims!({ user: { id: 22 } })).toEqual({ id: '22' });
  });

  it.each([[{ user: { friendly_name: 'My name' } }], [{ user: { id: '20' } }], [{ user: { id: 0 } }], [{ user: { id: 2.5 } }], [{ id: 20, friendly_name: 'My name' }], [{ error: 'Unauthorized' }], [null], [[{ user: { id: 20 } }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
