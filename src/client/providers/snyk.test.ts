import { describe, expect, it } from 'vitest';
import { snyk } from './snyk.js';

const settings = snyk.settings({});
const { profileClaims } = settings.hooks!;

describe('snyk settings', () => {
  it('asks for no scope (the app has its scopes), revokes at /oauth2/revoke, and reads the person from /rest/self at a dated version', () => {
    expect(settings.scope).toBe('');
    expect(settings.endpoints?.revocationEndpoint).toBe('https://api.snyk.io/oauth2/revoke');
    expect(settings.endpoints?.userinfoEndpoint).toBe('https://api.snyk.io/rest/self?version=2024-04-22');
    expect(settings.apiHeaders).toEqual({ accept: 'application/vnd.api+json' });
  });
});

describe("snyk profileClaims: /rest/self's data", () => {
  it('takes the id and type, with the name, username, e-mail and default Organization, and not the avatar', () => {
    const body = {
      jsonapi: { version: '1.0' },
      data: {
        id: '55a348e2-c3ad-4bbc-b40e-9b232d1f4121',
        type: 'user',
        attributes: { name: 'Ada Lovelace', username: 'ada', email: 'ada@example.com', avatar_url: 'https://snyk.io/avatar.png', default_org_context: '9a3e5d90-b782-468a-a042-9a2073736f0b' },
      },
      links: { self: '/self' },
    };
    expect(profileClaims!(body)).toEqual({
      id: '55a348e2-c3ad-4bbc-b40e-9b232d1f4121',
      type: 'user',
      name: 'Ada Lovelace',
      username: 'ada',
      email: 'ada@example.com',
      default_org_context: '9a3e5d90-b782-468a-a042-9a2073736f0b',
    });
  });

  it('an app instance (a tenant-context app) is its id and name', () => {
    expect(profileClaims!({ data: { id: 'f1e2d3c4-0000-4000-8000-000000000001', type: 'app_instance', attributes: { name: 'My App', email: ' ' } } })).toEqual({ id: 'f1e2d3c4-0000-4000-8000-000000000001', type: 'app_instance', name: 'My App' });
  });

  it.each([[{ data: { type: 'user', attributes: { name: 'No Id' } } }], [{ data: { id: '' } }], [{ data: { id: 42 } }], [{ data: null }], [{ id: 'top-level' }], [null], [[]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
