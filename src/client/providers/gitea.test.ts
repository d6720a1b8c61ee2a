import { describe, expect, it } from 'vitest';
import { gitea } from './gitea.js';

describe('gitea settings', () => {
  it('needs the instance URL; the issuer is it with the trailing slash Gitea names itself with, the API its /api/v1', () => {
    expect(gitea.values).toEqual({ baseUrl: 'required' });
    expect(gitea.settings({ baseUrl: 'https://git.example.com/' })).toMatchObject({
      discovery: { issuer: 'https://git.example.com/' },
      apiBaseUrl: 'https://git.example.com/api/v1',
      scope: 'openid profile email read:user',
      tokenEndpointAuthMethod: 'client_secret_post',
      refreshTokenIdleSeconds: 730 * 3600,
    });
    expect(gitea.settings({ baseUrl: 'https://example.com/gitea' })).toMatchObject({ discovery: { issuer: 'https://example.com/gitea/' }, apiBaseUrl: 'https://example.com/gitea/api/v1' });
  });
});

describe("gitea tokenResponse: Gitea's unauthorized_client refusals as RFC 6749's", () => {
  const { tokenResponse } = gitea.settings({ baseUrl: 'https://git.example.com' }).hooks!;
  const sent = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json;charset=utf-8' } });
  const read = async (response: Response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown> });

  it.each(['unable to parse refresh token', 'token was already used', 'client is not authorized', 'failed PKCE code challenge'])('"%s" is invalid_grant, Gitea\'s error kept beside it', async (description) => {
    expect(await read(await tokenResponse!(sent(400, { error: 'unauthorized_client', error_description: description })))).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: description, gitea_error: 'unauthorized_client' },
    });
  });

  it.each(['invalid client secret', 'invalid empty client secret'])('"%s" at the code exchange is invalid_client', async (description) => {
    expect((await read(await tokenResponse!(sent(400, { error: 'unauthorized_client', error_description: description })))).body).toMatchObject({ error: 'invalid_client' });
  });

  it('tokens, RFC 6749 errors, and an unauthorized_client Gitea means (a redirect URI it does not know) are left as they came', async () => {
    const tokens = { access_token: 'eyJ.a.b', token_type: 'bearer', expires_in: 3600, refresh_token: 'eyJ.r.s', id_token: 'eyJ.i.t' };
    expect(await read(await tokenResponse!(sent(200, tokens)))).toEqual({ status: 200, body: tokens });
    const gone = { error: 'invalid_grant', error_description: 'grant does not exist' };
    expect(await read(await tokenResponse!(sent(400, gone)))).toEqual({ status: 400, body: gone });
    const redirect = { error: 'unauthorized_client', error_description: 'unexpected redirect URI' };
    expect(await read(await tokenResponse!(sent(400, redirect)))).toEqual({ status: 400, body: redirect });
  });
});
