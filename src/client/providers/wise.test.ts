import { describe, expect, it } from 'vitest';
import { wise } from './wise.js';

const settings = wise.settings({});
const { profileClaims } = settings.hooks!;

describe('wise settings', () => {
  it('signs in at wise.com, takes tokens, reads the user and calls the API at api.wise.com, asks no scope, sends the client as HTTP Basic, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://wise.com/oauth/authorize/',
        tokenEndpoint: 'https://api.wise.com/oauth/token',
        userinfoEndpoint: 'https://api.wise.com/v1/me',
      },
      apiBaseUrl: 'https://api.wise.com',
      scope: '',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(wise.values).toEqual({ baseUrl: 'optional' });
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });

  it("with a base URL (Wise's sandbox), authorizes there and takes tokens and calls the API at its api. host", () => {
    expect(wise.settings({ baseUrl: 'https://sandbox.transferwise.tech/' })).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://sandbox.transferwise.tech/oauth/authorize/',
        tokenEndpoint: 'https://api.sandbox.transferwise.tech/oauth/token',
        userinfoEndpoint: 'https://api.sandbox.transferwise.tech/v1/me',
      },
      apiBaseUrl: 'https://api.sandbox.transferwise.tech',
    });
  });
});

describe('wise profileClaims: the User of /v1/me', () => {
  it('takes the id as text, the name, the first and last names, the e-mail and the avatar, not the phone number or the address', () => {
    expect(
      profileClaims!({
        id: 101,
        name: 'Example Person',
        email: 'person@example.com',
        active: true,
        details: { firstName: 'Example', lastName: 'Person', phoneNumber: '+37111111111', occupation: '', address: { city: 'Tallinn', countryCode: 'EE' }, dateOfBirth: '1977-01-01', avatar: 'https://lh6.googleusercontent.com/photo.jpg', primaryAddress: 111 },
      }),
    ).toEqual({ id: '101', name: 'Example Person', given_name: 'Example', family_name: 'Person', email: 'person@example.com', picture: 'https://lh6.googleusercontent.com/photo.jpg' });
  });

  it('joins the first and last names when there is no name, and leaves out what is empty', () => {
    expect(profileClaims!({ id: 7, name: ' ', details: { firstName: 'Ada', lastName: 'Lovelace', avatar: '' } })).toEqual({ id: '7', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace' });
    expect(profileClaims!({ id: 8 })).toEqual({ id: '8' });
  });

  it.each([[{ name: 'Example Person' }], [{ id: '101' }], [{ id: 0 }], [{ id: 1.5 }], [{ error: 'invalid_token' }], [null], [[{ id: 101 }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
