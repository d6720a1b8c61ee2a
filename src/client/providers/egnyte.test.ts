import { describe, expect, it } from 'vitest';
import { egnyte, userinfoClaims } from './egnyte.js';

describe('egnyte settings', () => {
  it("puts the authorization, the token, the user info and the API on the domain's host, asks Egnyte.filesystem, sends the client in the form, and has no revocation", () => {
    const settings = egnyte.settings({ domain: 'acme.egnyte.com' });
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://acme.egnyte.com/puboauth/token',
        tokenEndpoint: 'https://acme.egnyte.com/puboauth/token',
        userinfoEndpoint: 'https://acme.egnyte.com/pubapi/v1/userinfo',
      },
      scope: 'Egnyte.filesystem',
      apiBaseUrl: 'https://acme.egnyte.com/pubapi',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
    expect(egnyte.values).toEqual({ domain: 'required' });
  });

  it("qualifies the user's id by the domain's host it is made for", () => {
    const { profileClaims } = egnyte.settings({ domain: 'acme.egnytegov.com' }).hooks!;
    expect(profileClaims!({ id: 7, username: 'ada' })).toMatchObject({ id: '7@acme.egnytegov.com', user_id: '7' });
  });
});

describe('egnyte userinfoClaims: the user of the token', () => {
  const claims = userinfoClaims('acme.egnyte.com');

  it('takes the numeric id qualified by the host, the username and the names', () => {
    expect(claims({ id: 12345678, username: 'jmiller', first_name: 'Joe', last_name: 'Miller' })).toEqual({
      id: '12345678@acme.egnyte.com',
      user_id: '12345678',
      name: 'Joe Miller',
      given_name: 'Joe',
      family_name: 'Miller',
      preferred_username: 'jmiller',
    });
  });

  it('leaves out what is empty', () => {
    expect(claims({ id: 1, username: ' ', first_name: '', last_name: 'Hopper' })).toEqual({ id: '1@acme.egnyte.com', user_id: '1', name: 'Hopper', family_name: 'Hopper' });
    expect(claims({ id: 2 })).toEqual({ id: '2@acme.egnyte.com', user_id: '2' });
  });

  it.each([[{ username: 'jmiller' }], [{ id: '12345678' }], [{ id: 1.5 }], [{ Errors: [{ description: 'User 1 not found.', code: '404' }] }], [null], [[{ id: 1 }]]])('finds no one in %j', (body) => {
    expect(claims(body)).toBeUndefined();
  });
});

describe('egnyte tokenResponse', () => {
  const { tokenResponse } = egnyte.settings({ domain: 'acme.egnyte.com' }).hooks!;
  const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('reads a negative expires_in as none: a token that does not end', async () => {
    const response = await tokenResponse!(answer(200, { access_token: 'at', token_type: 'bearer', expires_in: -1 }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ access_token: 'at', token_type: 'bearer' });
  });

  it('passes other answers as they were', async () => {
    for (const [status, body] of [
      [200, { access_token: 'at', token_type: 'bearer', expires_in: 3600, refresh_token: 'rt' }],
      [200, { access_token: 'at', token_type: 'bearer' }],
      [400, { error: 'invalid_grant', expires_in: -1 }],
    ] as const) {
      const response = await tokenResponse!(answer(status, body));
      expect(response.status).toBe(status);
      expect(await response.json()).toEqual(body);
    }
  });
});
