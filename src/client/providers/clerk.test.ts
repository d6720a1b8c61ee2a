import { describe, expect, it } from 'vitest';
import { clerk, userinfoClaims } from './clerk.js';

const settings = clerk.settings({ baseUrl: 'https://clerk.example.com/' });
const { profileClaims, tokenResponse } = settings.hooks!;

describe('clerk settings: the instance at its Frontend API URL', () => {
  it('/oauth/authorize, /oauth/token and /oauth/userinfo at the instance, HTTP Basic, profile email offline_access, no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://clerk.example.com/oauth/authorize',
        tokenEndpoint: 'https://clerk.example.com/oauth/token',
        userinfoEndpoint: 'https://clerk.example.com/oauth/userinfo',
      },
      scope: 'profile email offline_access',
      apiBaseUrl: 'https://clerk.example.com/oauth',
      tokenEndpointAuthMethod: 'client_secret_basic',
      subjectClaim: 'id',
    });
    expect(settings.endpoints!.revocationEndpoint).toBeUndefined();
    expect(settings.hooks!.revoke).toBeUndefined();
  });
});

describe('clerk profileClaims: the user info, the ID qualified by the instance', () => {
  const user = {
    object: 'oauth_user_info',
    instance_id: 'ins_2abc',
    user_id: 'user_2NNEqL2nrIRdJ194ndJqAHwEfxC',
    sub: 'user_2NNEqL2nrIRdJ194ndJqAHwEfxC',
    email: 'ada@example.com',
    email_verified: true,
    family_name: 'Lovelace',
    given_name: 'Ada',
    name: 'Ada Lovelace',
    username: 'ada',
    preferred_username: 'ada',
    picture: 'https://img.clerk.com/ada.png',
    public_metadata: {},
  };

  it("takes the ID as <sub>@<instance host>, the names, the username, the e-mail and its verification, the avatar", () => {
    expect(profileClaims!(user)).toEqual({
      id: 'user_2NNEqL2nrIRdJ194ndJqAHwEfxC@clerk.example.com',
      sub: 'user_2NNEqL2nrIRdJ194ndJqAHwEfxC',
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      preferred_username: 'ada',
      email: 'ada@example.com',
      picture: 'https://img.clerk.com/ada.png',
      email_verified: true,
    });
  });

  it('the same ID at another instance is another person', () => {
    expect(userinfoClaims('verb-noun-00.clerk.accounts.dev')(user)!.id).toBe('user_2NNEqL2nrIRdJ194ndJqAHwEfxC@verb-noun-00.clerk.accounts.dev');
  });

  it('joins the first and last names when there is no name, and leaves out what is empty', () => {
    expect(profileClaims!({ sub: 'user_1', given_name: 'Grace', family_name: 'Hopper', name: ' ', email: '', email_verified: 'true' })).toEqual({
      id: 'user_1@clerk.example.com',
      sub: 'user_1',
      name: 'Grace Hopper',
      given_name: 'Grace',
      family_name: 'Hopper',
    });
  });

  it('names no one without a sub', () => {
    expect(profileClaims!({ error: 'invalid_token' })).toBeUndefined();
    expect(profileClaims!({ ...user, sub: ' ' })).toBeUndefined();
    expect(profileClaims!([user])).toBeUndefined();
  });
});

describe("clerk tokenResponse: a refresh token's deleted scope (invalid_scope) is invalid_grant", () => {
  const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const rewritten = async (status: number, body: unknown) => {
    const response = await tokenResponse!(answer(status, body));
    return { status: response.status, body: (await response.json()) as unknown };
  };

  it('400 invalid_scope becomes invalid_grant, its description kept', async () => {
    expect(await rewritten(400, { error: 'invalid_scope', error_description: 'The requested scope is invalid.' })).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'The requested scope is invalid.' },
    });
    expect((await rewritten(400, { error: 'invalid_scope' })).body).toMatchObject({ error: 'invalid_grant' });
  });

  it('tokens, other refusals and other statuses pass as they were', async () => {
    const tokens = { access_token: 'oat_1', token_type: 'bearer', expires_in: 86400, refresh_token: 'ort_1', scope: 'profile email offline_access' };
    expect(await rewritten(200, tokens)).toEqual({ status: 200, body: tokens });
    expect(await rewritten(400, { error: 'invalid_grant' })).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    expect(await rewritten(401, { error: 'invalid_client' })).toEqual({ status: 401, body: { error: 'invalid_client' } });
    expect(await rewritten(500, { error: 'invalid_scope' })).toEqual({ status: 500, body: { error: 'invalid_scope' } });
  });
});
