import { describe, expect, it } from 'vitest';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { vimeo } from './vimeo.js';

const settings = vimeo.settings({});
const { tokenResponse, profileClaims, revoke } = settings.hooks!;
const ACCEPT = 'application/vnd.vimeo.*+json;version=3.4';

describe('vimeo settings', () => {
  it('api.vimeo.com for everything, public private without PKCE, Basic credentials as they are, API version 3.4 on every call', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://api.vimeo.com/oauth/authorize',
        tokenEndpoint: 'https://api.vimeo.com/oauth/access_token',
        userinfoEndpoint: 'https://api.vimeo.com/me',
      },
      scope: 'public private',
      pkce: false,
      apiBaseUrl: 'https://api.vimeo.com',
      apiHeaders: { accept: ACCEPT },
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      subjectClaim: 'id',
    });
    expect(settings.endpoints!.revocationEndpoint).toBeUndefined();
  });
});

describe('vimeo tokenResponse: a code Vimeo does not take as invalid_grant', () => {
  const read = async (response: Response) => ({ status: response.status, body: await response.json() });

  it("400 invalid_request 'Invalid authorization code' becomes invalid_grant, the description kept", async () => {
    const rewritten = await tokenResponse!(answer(400, { error: 'invalid_request', error_description: 'Invalid authorization code' })());
    expect(await read(rewritten)).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid authorization code' } });
  });

  it.each([
    [400, { error: 'invalid_request', error_description: 'The provided redirect_uri does not match' }],
    [400, { error: 'invalid_request' }],
    [401, { error: 'invalid_client', error_description: 'Invalid authorization code' }],
    [200, { access_token: 'a', token_type: 'bearer', scope: 'public private' }],
  ])('leaves HTTP %i %j as it was', async (status, body) => {
    expect(await read(await tokenResponse!(answer(status, body)()))).toEqual({ status, body });
  });
});

describe('vimeo profileClaims: the user of /me', () => {
  const user = { uri: '/users/152184', name: 'Staff Picks', link: 'https://vimeo.com/staffpicks', account: 'business' };

  it('takes the numeric id of its uri and the name, nothing else', () => {
    expect(profileClaims!(user)).toEqual({ id: '152184', name: 'Staff Picks' });
  });

  it('no name: none is claimed', () => {
    expect(profileClaims!({ uri: '/users/152184', name: '' })).toEqual({ id: '152184' });
  });

  it.each([[{ ...user, uri: '/users/staffpicks' }], [{ ...user, uri: '/channels/1' }], [{ ...user, uri: 152184 }], [{ name: 'No Uri' }], [{ error: 'You must provide a valid authenticated access token.' }], [null], [[user]]])(
    'finds no one in %j',
    (body) => {
      expect(profileClaims!(body)).toBeUndefined();
    },
  );
});

describe('vimeo revoke: DELETE /tokens with the token', () => {
  const request = (reply: () => Response) => revocationRequest(reply, { apiBaseUrl: 'https://api.vimeo.com/', apiHeaders: { accept: ACCEPT } });

  it('204 is revoked; the token goes as Bearer with the versioned Accept, and no body', async () => {
    const { value, sent } = request(answer(204));
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://api.vimeo.com/tokens');
    expect(sent[0]!.init).toMatchObject({ method: 'DELETE', headers: { accept: ACCEPT, authorization: 'Bearer live' } });
    expect(sent[0]!.init.body).toBeUndefined();
  });

  it('401 (a token Vimeo no longer takes) is already revoked', async () => {
    expect(await revoke!(request(answer(401, { error: 'You must provide a valid authenticated access token.', error_code: 8003 })).value)).toBe('already_revoked');
  });

  it('another refusal and a failing server are errors', async () => {
    await expect(revoke!(request(answer(400, { error: 'Something strange occurred.' })).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(answer(503)).value)).rejects.toMatchObject({ code: 'provider_error' });
  });

  it('needs the API base', async () => {
    await expect(revoke!(revocationRequest(answer(204)).value)).rejects.toThrow('API base');
  });
});
