import { describe, expect, it } from 'vitest';
import { allegro } from './allegro.js';

const settings = allegro.settings({});
const { profileClaims } = settings.hooks!;

describe('allegro settings', () => {
  it('signs in at allegro.pl, reads /me and calls the API at api.allegro.pl with the v1 media type, asks no scope, sends PKCE and the client as Basic, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://allegro.pl/auth/oauth/authorize',
        tokenEndpoint: 'https://allegro.pl/auth/oauth/token',
        userinfoEndpoint: 'https://api.allegro.pl/me',
      },
      apiBaseUrl: 'https://api.allegro.pl',
      apiHeaders: { accept: 'application/vnd.allegro.public.v1+json' },
      scope: '',
      tokenEndpointAuthMethod: 'client_secret_basic',
      subjectClaim: 'id',
    });
    expect(allegro.values).toEqual({ baseUrl: 'optional' });
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.pkce).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });

  it('moves the sign-in, the tokens and the API to the sandbox named by <NAME>_BASE_URL (a trailing slash dropped)', () => {
    expect(allegro.settings({ baseUrl: 'https://allegro.pl.allegrosandbox.pl/' })).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://allegro.pl.allegrosandbox.pl/auth/oauth/authorize',
        tokenEndpoint: 'https://allegro.pl.allegrosandbox.pl/auth/oauth/token',
        userinfoEndpoint: 'https://api.allegro.pl.allegrosandbox.pl/me',
      },
      apiBaseUrl: 'https://api.allegro.pl.allegrosandbox.pl',
    });
  });
});

describe('allegro profileClaims: the user of /me', () => {
  it('takes the id, the first and last names, the e-mail and the login, not the marketplace, the company or the features', () => {
    expect(
      profileClaims!({
        id: '12345678',
        login: 'test_account',
        firstName: 'Jan',
        lastName: ' Kowalski ',
        email: 'test_account@allegro.pl',
        baseMarketplace: { id: 'allegro-pl' },
        company: { name: 'Allegro.pl Sp. z o.o.', taxId: '123-123-12-12' },
        features: ['SUPER_SELLER'],
      }),
    ).toEqual({ id: '12345678', name: 'Jan Kowalski', given_name: 'Jan', family_name: 'Kowalski', email: 'test_account@allegro.pl', preferred_username: 'test_account' });
  });

  it("names a company account without a person's names by the company's name, and leaves out what is empty", () => {
    expect(profileClaims!({ id: '12345679', login: 'firma', firstName: '', email: 'biuro@firma.test', company: { name: ' Firma Sp. z o.o. ', taxId: '123' } })).toEqual({ id: '12345679', name: 'Firma Sp. z o.o.', email: 'biuro@firma.test', preferred_username: 'firma' });
    expect(profileClaims!({ id: '7' })).toEqual({ id: '7' });
  });

  it.each([[{ login: 'test_account' }], [{ id: 12345678 }], [{ id: ' ' }], [{ error: 'invalid_token', error_description: 'Invalid access token' }], [null], [[{ id: '1' }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
