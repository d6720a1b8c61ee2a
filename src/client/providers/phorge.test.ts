import { describe, expect, it } from 'vitest';
import { phorge } from './phorge.js';

const settings = phorge.settings({ baseUrl: 'https://phorge.example.com/' });
const { profileClaims, tokenRejected } = settings.hooks!;

describe('phorge settings', () => {
  it("needs the install's URL; the OAuth Server and Conduit are under it, no scope, the client in the form, the token as the access_token query parameter", () => {
    expect(phorge.values).toEqual({ baseUrl: 'required' });
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://phorge.example.com/oauthserver/auth/',
        tokenEndpoint: 'https://phorge.example.com/oauthserver/token/',
        userinfoEndpoint: 'https://phorge.example.com/api/user.whoami',
      },
      scope: '',
      pkce: false,
      apiBaseUrl: 'https://phorge.example.com/api',
      accessTokenParameter: 'access_token',
      tokenEndpointAuthMethod: 'client_secret_post',
      successMayRejectToken: true,
      subjectClaim: 'id',
    });
    expect(settings.endpoints).not.toHaveProperty('revocationEndpoint');
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe("phorge profileClaims: user.whoami's result", () => {
  const whoami = (result: unknown) => ({ result, error_code: null, error_info: null });

  it("qualifies the PHID by the install's host, with the real name, the username and the e-mail, not verified", () => {
    expect(profileClaims!(whoami({ phid: 'PHID-USER-a1b2c3d4e5f6g7h8i9j0', userName: 'ada', realName: ' Ada Lovelace ', image: 'https://phorge.example.com/file/a.png', uri: 'https://phorge.example.com/p/ada/', roles: ['verified', 'approved', 'activated'], primaryEmail: 'ada@example.com' }))).toEqual({
      id: 'PHID-USER-a1b2c3d4e5f6g7h8i9j0@phorge.example.com',
      phid: 'PHID-USER-a1b2c3d4e5f6g7h8i9j0',
      name: 'Ada Lovelace',
      preferred_username: 'ada',
      email: 'ada@example.com',
      email_verified: false,
    });
    expect(profileClaims!(whoami({ phid: 'PHID-USER-zzzzzzzzzzzzzzzzzzzz', userName: 'grace', realName: '' }))).toEqual({ id: 'PHID-USER-zzzzzzzzzzzzzzzzzzzz@phorge.example.com', phid: 'PHID-USER-zzzzzzzzzzzzzzzzzzzz', preferred_username: 'grace' });
  });

  it.each([
    [{ result: null, error_code: 'ERR-INVALID-AUTH', error_info: 'Access token does not exist.' }],
    [whoami({ userName: 'ada' })],
    [whoami({ phid: 'PHID-OASC-a1b2c3d4e5f6g7h8i9j0' })],
    [whoami({ phid: 7 })],
    [{ phid: 'PHID-USER-a1b2c3d4e5f6g7h8i9j0' }],
    [null],
  ])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe("phorge tokenRejected: Conduit's ERR-INVALID-AUTH", () => {
  const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('an HTTP 200 with error_code ERR-INVALID-AUTH is a token no longer taken', async () => {
    expect(await tokenRejected!(answer(200, { result: null, error_code: 'ERR-INVALID-AUTH', error_info: 'Access token is invalid or expired.' }))).toBe(true);
  });

  it('a result, a method the token may not call (ERR-OAUTH-ACCESS), another error or another status is not', async () => {
    expect(await tokenRejected!(answer(200, { result: { phid: 'PHID-USER-x' }, error_code: null, error_info: null }))).toBe(false);
    expect(await tokenRejected!(answer(200, { result: null, error_code: 'ERR-OAUTH-ACCESS', error_info: 'You do not have authorization to call this method.' }))).toBe(false);
    expect(await tokenRejected!(answer(200, { result: null, error_code: 'ERR-CONDUIT-CORE', error_info: 'boom' }))).toBe(false);
    expect(await tokenRejected!(answer(500, { result: null, error_code: 'ERR-INVALID-AUTH' }))).toBe(false);
  });
});
