import { describe, expect, it } from 'vitest';
import { tidal } from './tidal.js';

const settings = tidal.settings({});
const profileClaims = settings.hooks!.profileClaims!;

describe('tidal settings', () => {
  it('asks for user.read with PKCE and sends the scope in the code exchange and each refresh, as TIDAL\'s own Auth module does', () => {
    expect(settings).toMatchObject({ scope: 'user.read', tokenRequestsSendScope: true, tokenEndpointAuthMethod: 'client_secret_post' });
    expect(settings.pkce).not.toBe(false);
  });
});

describe('tidal profileClaims: the JSON:API users resource of /users/me', () => {
  it('takes data.id, the first and last names, the username, the e-mail with emailVerified, and the country', () => {
    const body = { data: { id: '192837465', type: 'users', attributes: { username: 'ada', country: 'GB', email: 'ada@example.com', emailVerified: true, firstName: 'Ada', lastName: 'Lovelace', developerAccessTier: 'THIRD_PARTY' } }, links: { self: '/users/me' } };
    expect(profileClaims(body)).toEqual({ id: '192837465', name: 'Ada Lovelace', username: 'ada', email: 'ada@example.com', email_verified: true, country: 'GB' });
  });

  it('keeps an e-mail whose emailVerified is false or missing as unverified, and leaves out what is empty', () => {
    expect(profileClaims({ data: { id: '7', type: 'users', attributes: { username: 'u', country: 'US', email: 'u@example.com', emailVerified: false } } })).toEqual({ id: '7', username: 'u', email: 'u@example.com', email_verified: false, country: 'US' });
    expect(profileClaims({ data: { id: '8', type: 'users', attributes: { username: ' ', country: 'US', email: 'v@example.com', firstName: 'Only' } } })).toEqual({ id: '8', name: 'Only', email: 'v@example.com', email_verified: false, country: 'US' });
    expect(profileClaims({ data: { id: '9', type: 'users' } })).toEqual({ id: '9' });
  });

  it.each([[{ data: { type: 'users', attributes: { username: 'no-id' } } }], [{ data: { id: '', type: 'users' } }], [{ data: { id: '5', type: 'artists' } }], [{ errors: [{ status: '401', code: 'UNAUTHORIZED' }] }], [null], [{ data: [{ id: '5', type: 'users' }] }]])('finds no one in %j', (body) => {
    expect(profileClaims(body)).toBeUndefined();
  });
});
