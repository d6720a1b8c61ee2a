import { describe, expect, it } from 'vitest';
import { propelauth, userinfoClaims } from './propelauth.js';

const settings = propelauth.settings({ baseUrl: 'https://auth.example.com/' });
const { profileClaims } = settings.hooks!;

describe('propelauth settings: one environment at its Auth URL', () => {
  it('/propelauth/oauth/authorize, /token and /userinfo at the Auth URL, HTTP Basic, no scope, no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://auth.example.com/propelauth/oauth/authorize',
        tokenEndpoint: 'https://auth.example.com/propelauth/oauth/token',
        userinfoEndpoint: 'https://auth.example.com/propelauth/oauth/userinfo',
      },
      scope: '',
      apiBaseUrl: 'https://auth.example.com/propelauth/oauth',
      tokenEndpointAuthMethod: 'client_secret_basic',
      subjectClaim: 'id',
    });
    expect(settings.endpoints!.revocationEndpoint).toBeUndefined();
    expect(settings.hooks!.revoke).toBeUndefined();
    expect(propelauth.values).toEqual({ baseUrl: 'required' });
  });
});

describe('propelauth profileClaims: the user info, the user_id qualified by the environment', () => {
  const user = {
    user_id: '31c41c16-c281-44ae-9602-8a047e3bf33d',
    email: 'ada@example.com',
    first_name: 'Ada',
    last_name: 'Lovelace',
    username: 'ada',
    picture_url: 'https://img.propelauth.com/ada.png',
    org_id_to_org_info: {},
  };

  it('takes the id as <user_id>@<Auth URL host>, the names, the username, the e-mail (no verification claimed) and the picture', () => {
    expect(profileClaims!(user)).toEqual({
      id: '31c41c16-c281-44ae-9602-8a047e3bf33d@auth.example.com',
      user_id: '31c41c16-c281-44ae-9602-8a047e3bf33d',
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      preferred_username: 'ada',
      email: 'ada@example.com',
      picture: 'https://img.propelauth.com/ada.png',
    });
  });

  it("the same user_id in the project's test environment is another person", () => {
    expect(userinfoClaims('1581439057.propelauthtest.com')(user)!.id).toBe('31c41c16-c281-44ae-9602-8a047e3bf33d@1581439057.propelauthtest.com');
  });

  it('leaves out what is empty or missing', () => {
    expect(profileClaims!({ user_id: 'u1', first_name: 'Grace', last_name: null, username: ' ', email: '' })).toEqual({
      id: 'u1@auth.example.com',
      user_id: 'u1',
      name: 'Grace',
      given_name: 'Grace',
    });
  });

  it('names no one without a user_id', () => {
    expect(profileClaims!({ error: 'invalid_token' })).toBeUndefined();
    expect(profileClaims!({ ...user, user_id: ' ' })).toBeUndefined();
    expect(profileClaims!({ ...user, user_id: 42 })).toBeUndefined();
    expect(profileClaims!([user])).toBeUndefined();
  });
});
