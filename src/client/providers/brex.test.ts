import { describe, expect, it } from 'vitest';
import { brex } from './brex.js';

const settings = brex.settings({});
const { profileClaims } = settings.hooks!;

describe('brex settings', () => {
  it('discovers the partner authorization server, asks openid offline_access users.readonly, and leaves the ID token unread', () => {
    expect(settings.discovery).toEqual({ issuer: 'https://accounts-api.brex.com/oauth2/default' });
    expect(settings.scope).toBe('openid offline_access users.readonly');
    expect(settings.idTokenUnused).toBe(true);
    expect(settings.metadataOverrides?.userinfoEndpoint).toBe('https://api.brex.com/v2/users/me');
  });
});

describe('brex profileClaims: /v2/users/me', () => {
  it('takes the id, the first and last names joined, the e-mail and the status', () => {
    const body = { id: 'cuuser_abc', first_name: 'Avery', last_name: 'Nguyen', email: 'avery@acme.example', status: 'ACTIVE', manager_id: null, metadata: {}, remote_display_id: 'okta-avery' };
    expect(profileClaims!(body)).toEqual({ id: 'cuuser_abc', name: 'Avery Nguyen', email: 'avery@acme.example', status: 'ACTIVE' });
    expect(profileClaims!({ id: 'cuuser_x', first_name: ' ', last_name: 'Solo', email: '' })).toEqual({ id: 'cuuser_x', name: 'Solo' });
  });

  it.each([[{ first_name: 'No', last_name: 'Id' }], [{ id: '' }], [{ id: 42 }], [null], [[]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
