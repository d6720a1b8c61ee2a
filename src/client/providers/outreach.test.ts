import { describe, expect, it } from 'vitest';
import { outreach } from './outreach.js';

const settings = outreach.settings({});
const { profileClaims } = settings.hooks!;

describe("outreach profileClaims: GET /api/v2's meta.user", () => {
  it('takes the id, the first and last names (joined as the name) and the e-mail, nothing of the organization or token', () => {
    const root = {
      meta: {
        api: { version: '2' },
        org: { shortname: 'acme', name: 'Acme Inc.' },
        token: { scopes: ['users.read'] },
        user: { id: 4217, firstName: 'Debora', lastName: 'Lang', email: 'debora@example.com' },
      },
    };
    expect(profileClaims!(root)).toEqual({ id: 4217, given_name: 'Debora', family_name: 'Lang', name: 'Debora Lang', email: 'debora@example.com' });
  });

  it('leaves out empty names and e-mail', () => {
    expect(profileClaims!({ meta: { user: { id: 7, firstName: ' ', lastName: 'Solo', email: '' } } })).toEqual({ id: 7, family_name: 'Solo', name: 'Solo' });
  });

  it.each([[{ meta: { user: { id: '4217' } } }], [{ meta: { user: { id: 1.5 } } }], [{ meta: { org: { shortname: 'acme' } } }], [{ data: { id: 4217 } }], [{ id: 4217 }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('outreach settings', () => {
  it('the form for the client, no PKCE, the profile on the API, 14-day refresh tokens kept alive, and no revocation', () => {
    expect(settings).toMatchObject({
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      apiBaseUrl: 'https://api.outreach.io',
      endpoints: { userinfoEndpoint: 'https://api.outreach.io/api/v2' },
      refreshTokenIdleSeconds: 14 * 86_400,
    });
    expect(settings.endpoints!.revocationEndpoint).toBeUndefined();
    expect(settings.hooks!.revoke).toBeUndefined();
  });
});
