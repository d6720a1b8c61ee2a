import { describe, expect, it } from 'vitest';
import { shutterstock } from './shutterstock.js';

const settings = shutterstock.settings({});
const { profileClaims } = settings.hooks!;

describe('shutterstock settings', () => {
  it('authorizes at accounts.shutterstock.com, takes tokens and the profile from api.shutterstock.com/v2, asks user.view without PKCE, sends the client in the form, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://accounts.shutterstock.com/oauth/authorize',
        tokenEndpoint: 'https://api.shutterstock.com/v2/oauth/access_token',
        userinfoEndpoint: 'https://api.shutterstock.com/v2/user',
      },
      apiBaseUrl: 'https://api.shutterstock.com/v2',
      scope: 'user.view',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
    expect(settings.hooks?.tokenRequest).toBeUndefined();
  });
});

describe('shutterstock profileClaims: /v2/user', () => {
  it('takes the id (not the customer or contributor id, nor the username), the full name, the names, the username and the e-mail', () => {
    expect(
      profileClaims!({
        id: '1a2b3c4d5e',
        customer_id: '300401234',
        contributor_id: '',
        username: 'jsmith',
        email: 'jsmith@example.com',
        first_name: 'John',
        last_name: 'Smith',
        full_name: 'John Q. Smith',
        language: 'en',
        is_premier: false,
      }),
    ).toEqual({ id: '1a2b3c4d5e', name: 'John Q. Smith', given_name: 'John', family_name: 'Smith', preferred_username: 'jsmith', email: 'jsmith@example.com' });
  });

  it('names the person by the first and last names when there is no full name, and leaves out what is missing', () => {
    expect(profileClaims!({ id: ' 77 ', first_name: 'Ada', last_name: 'Lovelace', full_name: ' ' })).toEqual({ id: '77', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace' });
    expect(profileClaims!({ id: '78' })).toEqual({ id: '78' });
  });

  it.each([[{ customer_id: '300401234', username: 'jsmith' }], [{ id: '  ' }], [{ id: 17 }], [{ message: 'Unauthorized' }], [[]], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
