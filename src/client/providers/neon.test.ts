import { describe, expect, it } from 'vitest';
import { neon } from './neon.js';

const settings = neon.settings({});
const { profileClaims } = settings.hooks!;

describe('neon settings', () => {
  it('discovers oauth2.neon.tech (issuer with its trailing slash), asks openid offline offline_access and a project scope, reads the person from the API', () => {
    expect(settings).toMatchObject({
      discovery: { issuer: 'https://oauth2.neon.tech/' },
      metadataOverrides: { userinfoEndpoint: 'https://console.neon.tech/api/v2/users/me' },
      scope: 'openid offline offline_access urn:neoncloud:projects:read',
      apiBaseUrl: 'https://console.neon.tech/api/v2',
      tokenEndpointAuthMethod: 'client_secret_post',
      idTokenUnused: true,
      subjectClaim: 'id',
    });
  });
});

describe('neon profileClaims: /users/me', () => {
  it('takes the id, the first and last names joined, the login and the e-mail', () => {
    const body = { id: '6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b', email: 'alex@example.com', name: 'Alex', last_name: 'Lopez', login: 'alex', image: 'https://example.com/a.png', plan: 'free' };
    expect(profileClaims!(body)).toEqual({ id: '6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b', name: 'Alex Lopez', email: 'alex@example.com', preferred_username: 'alex' });
    expect(profileClaims!({ id: 'u-2', name: ' ', last_name: '', email: '' })).toEqual({ id: 'u-2' });
  });

  it.each([[{ name: 'No', last_name: 'Id' }], [{ id: ' ' }], [{ id: 42 }], [null], [[]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
