import { describe, expect, it } from 'vitest';
import { pennylane } from './pennylane.js';

const settings = pennylane.settings({});
const { profileClaims } = settings.hooks!;

describe('pennylane settings', () => {
  it('signs in at app.pennylane.com, reads /api/external/v2/me, asks customers:readonly, sends the client in the form, no PKCE, and revokes at /oauth/revoke', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://app.pennylane.com/oauth/authorize',
        tokenEndpoint: 'https://app.pennylane.com/oauth/token',
        userinfoEndpoint: 'https://app.pennylane.com/api/external/v2/me',
        revocationEndpoint: 'https://app.pennylane.com/oauth/revoke',
      },
      apiBaseUrl: 'https://app.pennylane.com/api/external/v2',
      scope: 'customers:readonly',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(pennylane.values).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('pennylane profileClaims: /api/external/v2/me’s { user, company }', () => {
  it('reads the user id as text, the names, e-mail and locale, and the company’s id and name, not its registration number', () => {
    expect(
      profileClaims!({ user: { id: 12345, first_name: 'John', last_name: ' Doe ', email: 'jdoe@pennylane.com', locale: 'fr' }, company: { id: 123456, name: 'Pennylane', reg_no: 123456789 } }),
    ).toEqual({ id: '12345', name: 'John Doe', given_name: 'John', family_name: 'Doe', email: 'jdoe@pennylane.com', locale: 'fr', company_id: '123456', company_name: 'Pennylane' });
  });

  it('leaves out what is empty or of another type, the company included', () => {
    expect(profileClaims!({ user: { id: 7, first_name: '', last_name: 'Hopper', email: null } })).toEqual({ id: '7', name: 'Hopper', family_name: 'Hopper' });
    expect(profileClaims!({ user: { id: 8 }, company: { id: '9', name: ' ' } })).toEqual({ id: '8' });
  });

  it.each([[{ user: { email: 'a@b.test' } }], [{ user: { id: '12' } }], [{ user: { id: 0 } }], [{ user: { id: 1.5 } }], [{ id: 12 }], [{ error: 'unauthorized' }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
