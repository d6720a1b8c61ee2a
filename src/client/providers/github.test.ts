import { describe, expect, it } from 'vitest';
import { revocationRequest } from '../../../test/support/revocation-request.js';
import { github } from './github.js';
import { profileReader } from '../../../test/support/profile-reader.js';

const hooks = github.settings({}).hooks!;

async function rewritten(body: string, contentType = 'application/json', status = 200) {
  const answer = await hooks.tokenResponse!(new Response(body, { status, headers: { 'content-type': contentType } }));
  return { status: answer.status, type: answer.headers.get('content-type'), text: await answer.text() };
}

describe('github tokenResponse: GitHub’s token answers in RFC 6749 §5.1/§5.2 shape', () => {
  it('an error sent with HTTP 200 becomes a 400 with the RFC 6749 code, keeping GitHub’s', async () => {
    const answer = await rewritten(JSON.stringify({ error: 'bad_refresh_token', error_description: 'The refresh token passed is incorrect or expired.' }));
    expect(answer.status).toBe(400);
    expect(answer.type).toBe('application/json');
    expect(JSON.parse(answer.text)).toEqual({ error: 'invalid_grant', error_description: 'bad_refresh_token: The refresh token passed is incorrect or expired.', github_error: 'bad_refresh_token' });
  });

  it('wrong client credentials become 401 invalid_client; an unknown error 400 invalid_request', async () => {
    const credentials = await rewritten(JSON.stringify({ error: 'incorrect_client_credentials' }));
    expect(credentials.status).toBe(401);
    expect(JSON.parse(credentials.text)).toEqual({ error: 'invalid_client', error_description: 'incorrect_client_credentials', github_error: 'incorrect_client_credentials' });
    const unknown = await rewritten(JSON.stringify({ error: 'something_new' }));
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.text).error).toBe('invalid_request');
  });

  it('a form-encoded success becomes JSON with a space-separated scope and numeric lifetimes', async () => {
    const answer = await rewritten('access_token=ghu_1&expires_in=28800&refresh_token=ghr_1&refresh_token_expires_in=15811200&scope=repo%2C+user%2C&token_type=bearer', 'application/x-www-form-urlencoded');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ access_token: 'ghu_1', expires_in: 28800, refresh_token: 'ghr_1', refresh_token_expires_in: 15811200, scope: 'repo user', token_type: 'bearer' });
  });

  it('a lifetime that is not a number is left as it was', async () => {
    expect(JSON.parse((await rewritten(JSON.stringify({ access_token: 'x', token_type: 'bearer', expires_in: 'soon' }))).text).expires_in).toBe('soon');
  });

  it('a body that is neither JSON nor a form is passed on with its status', async () => {
    expect(await rewritten('<html>Bad Gateway</html>', 'text/html', 502)).toEqual({ status: 502, type: 'text/html', text: '<html>Bad Gateway</html>' });
  });
});

describe('github findEmail: the primary, verified address from /user/emails', () => {
  /** `null`: no userinfo endpoint. */
  function reader(answer: unknown, userinfoEndpoint: string | null = 'https://api.github.com/user/') {
    const { value, asked } = profileReader(() => answer, { userinfoEndpoint: userinfoEndpoint ?? undefined });
    return { reader: value, asked };
  }

  it('finds the primary verified address', async () => {
    const { reader: r, asked } = reader([
      { email: 'old@acme.test', primary: false, verified: true },
      { email: 'ada@acme.test', primary: true, verified: true },
    ]);
    expect(await hooks.findEmail!(r)).toEqual({ email: 'ada@acme.test', verified: true });
    expect(asked).toEqual(['https://api.github.com/user/emails']);
  });

  it('finds none when the primary one is not verified, or the list is not readable (no user:email scope)', async () => {
    expect(await hooks.findEmail!(reader([{ email: 'ada@acme.test', primary: true, verified: false }]).reader)).toBeNull();
    expect(await hooks.findEmail!(reader(undefined).reader)).toBeNull();
    expect(await hooks.findEmail!(reader([null, { primary: true, verified: true }]).reader)).toBeNull();
  });

  it('asks nothing without a userinfo endpoint', async () => {
    const { reader: r, asked } = reader([], null);
    expect(await hooks.findEmail!(r)).toBeNull();
    expect(asked).toEqual([]);
  });
});

describe('github revoke: DELETE /applications/{client_id}/grant', () => {
  /** `null`: no API base URL; `userStatus`: what GET /user answers with the token (asked only after a 404). */
  function request(status: number, apiBaseUrl: string | null = 'https://api.github.com/', userStatus = 401) {
    const answerTo = (url: string) => {
      const answered = url.endsWith('/user') ? userStatus : status;
      return new Response(answered === 204 ? null : 'x', { status: answered });
    };
    return revocationRequest(answerTo, {
      clientId: 'Iv1.abc/def',
      clientSecret: 's3cret',
      apiBaseUrl: apiBaseUrl ?? undefined,
      apiHeaders: { 'user-agent': 'Tokenkeeper' },
      accessToken: 'ghu_live',
      refreshToken: null,
    });
  }

  it('deletes the grant with Basic client credentials and the access token in the body', async () => {
    const { value, sent } = request(204);
    expect(await hooks.revoke!(value)).toBe('revoked');
    expect(sent).toEqual([
      {
        url: 'https://api.github.com/applications/Iv1.abc%2Fdef/grant',
        init: {
          method: 'DELETE',
          headers: { 'user-agent': 'Tokenkeeper', authorization: `Basic ${Buffer.from('Iv1.abc/def:s3cret').toString('base64')}`, 'content-type': 'application/json' },
          body: '{"access_token":"ghu_live"}',
        },
      },
    ]);
  });

  it('404 for a token GitHub no longer knows (GET /user with it answers 401) is already_revoked', async () => {
    const { value, sent } = request(404);
    expect(await hooks.revoke!(value)).toBe('already_revoked');
    expect(sent[1]).toEqual({ url: 'https://api.github.com/user', init: { method: 'GET', headers: { 'user-agent': 'Tokenkeeper', authorization: 'Bearer ghu_live' } } });
  });

  it('404 and 401 for an access token that had expired prove nothing, unless GitHub refused the refresh token too', async () => {
    const { value } = request(404);
    await expect(hooks.revoke!({ ...value, accessTokenExpired: true })).rejects.toMatchObject({
      code: 'provider_bad_response',
      message: expect.stringContaining('made with an expired access token that could not be refreshed: the grant may still exist'),
    });
    expect(await hooks.revoke!({ ...value, accessTokenExpired: true, refreshTokenRefused: true })).toBe('already_revoked');
  });

  it('404 while the token still works is GitHub refusing the client credentials: not revoked', async () => {
    await expect(hooks.revoke!(request(404, undefined, 200).value)).rejects.toMatchObject({
      code: 'provider_bad_response',
      message: 'GitHub answered HTTP 404 to the grant deletion, and the token still works: check the client id and secret configured for it.',
    });
    await expect(hooks.revoke!(request(404, undefined, 503).value)).rejects.toMatchObject({
      message: 'GitHub answered HTTP 404 to the grant deletion (its check of the token answered HTTP 503): check the client id and secret configured for it.',
    });
  });

  it('other answers are refusals: 5xx provider_error, else provider_bad_response', async () => {
    await expect(hooks.revoke!(request(500).value)).rejects.toMatchObject({ code: 'provider_error', message: 'GitHub answered HTTP 500 to the grant deletion.' });
    await expect(hooks.revoke!(request(422).value)).rejects.toMatchObject({ code: 'provider_bad_response', message: 'GitHub answered HTTP 422 to the grant deletion.' });
  });

  it('needs the API base URL', async () => {
    await expect(hooks.revoke!(request(204, null).value)).rejects.toThrow('GitHub revocation needs the API base URL');
  });
});
