import { describe, expect, it } from 'vitest';
import { onshape } from './onshape.js';

const settings = onshape.settings({});
const { profileClaims } = settings.hooks!;

describe('onshape profileClaims: /api/users/sessioninfo', () => {
  it('takes the id, the name, first and last names, the e-mail and the company the token is scoped to', () => {
    expect(
      profileClaims!({ id: '5c1a7e0f8b2d4e3a9f6b0c1d', name: 'Ada Lovelace', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', company: { id: '61f0c2a4e5b6', name: 'Analytical' }, isGuest: false }),
    ).toEqual({ id: '5c1a7e0f8b2d4e3a9f6b0c1d', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@example.com', company_id: '61f0c2a4e5b6' });
  });

  it('joins the first and last names without a name, and leaves out what is empty (no profile permission: no e-mail)', () => {
    expect(profileClaims!({ id: 'u1', name: ' ', firstName: 'Alan', lastName: 'Turing', email: '', company: null })).toEqual({ id: 'u1', name: 'Alan Turing', given_name: 'Alan', family_name: 'Turing' });
    expect(profileClaims!({ id: 'u2' })).toEqual({ id: 'u2' });
  });

  it.each([[{ name: 'No Id' }], [{ id: '' }], [{ id: 42 }], [null], [[{ id: 'u1' }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('onshape settings', () => {
  it('asks no scope, sends the client in the form, and has no revocation (the person revokes the app in Onshape)', () => {
    expect(settings).toMatchObject({ scope: '', tokenEndpointAuthMethod: 'client_secret_post', pkce: false, subjectClaim: 'id' });
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});
