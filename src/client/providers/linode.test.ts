import { describe, expect, it } from 'vitest';
import { linode } from './linode.js';

const settings = linode.settings({});
const { profileClaims } = settings.hooks!;

describe('linode settings', () => {
  it('asks for linodes:read_only, with no revocation endpoint (Linode gives none)', () => {
    expect(settings.scope).toBe('linodes:read_only');
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('linode profileClaims: the profile of /v4/profile', () => {
  const profile = {
    uid: 1234,
    username: 'exampleUser',
    email: 'example-user@example.com',
    restricted: false,
    timezone: 'US/Eastern',
    authorized_keys: ['ssh-rsa AAAAB3Nza…'],
    referrals: { code: '871be32f49c1411b14f29f618aaf0c14637fb8d3', total: 0 },
  };

  it('takes uid as a string, with the username, e-mail and restricted, and not the SSH keys or referrals', () => {
    expect(profileClaims!(profile)).toEqual({ uid: '1234', username: 'exampleUser', email: 'example-user@example.com', restricted: false });
    expect(profileClaims!({ uid: 7, username: ' ', email: '' })).toEqual({ uid: '7' });
  });

  it.each([[{ username: 'no-uid' }], [{ uid: '1234' }], [{ uid: 1.5 }], [{ uid: null }], [null], [[{ uid: 1 }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
