import { describe, expect, it } from 'vitest';
import { withChallengeWithoutErrorDropped } from '../challenge-without-error.js';
import { revocationRequest } from '../../../test/support/revocation-request.js';
import { reddit } from './reddit.js';

const { tokenRequest, tokenResponse, revoke } = reddit.settings({}, { clientId: 'p-jcoLKBynTLew' }).hooks!;
const USER_AGENT = /^[\w.-]+:[\w.-]+:[\w.-]+ \(.+\)$/;

const answer = (status: number, body?: unknown) =>
  new Response(body === undefined ? '' : JSON.stringify(body), { status, headers: body === undefined ? {} : { 'content-type': 'application/json; charset=UTF-8' } });

async function read(response: Response) {
  return { status: response.status, body: await response.text().then((text) => (text ? (JSON.parse(text) as unknown) : undefined)) };
}

describe('reddit tokenRequest: a descriptive User-Agent on every token request', () => {
  it("replaces the library's own, keeping the form and the other headers", () => {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'rt' });
    const sent = tokenRequest!({ body, headers: { 'User-Agent': 'oauth4webapi/v3', authorization: 'Basic x' } });
    expect(sent.body).toBe('grant_type=refresh_token&refresh_token=rt');
    expect(sent.headers).toEqual({ authorization: 'Basic x', 'user-agent': expect.stringMatching(USER_AGENT) });
  });

  it('names the app by its client id, so that no two apps send the same; a client id that does not fit the form is not sent', () => {
    const userAgentOf = (clientId: string) => reddit.settings({}, { clientId }).apiHeaders!['user-agent'];
    expect(userAgentOf('p-jcoLKBynTLew')).toBe('server:p-jcoLKBynTLew:v1 (Tokenkeeper OAuth token service)');
    expect(userAgentOf('a b:c')).toBe('server:tokenkeeper:v1 (Tokenkeeper OAuth token service)');
  });
});

describe('reddit tokenResponse: its refusals as RFC 6749 §5.2 has them', () => {
  it('an error sent with HTTP 200 is a 400', async () => {
    expect(await read(await tokenResponse!(answer(200, { error: 'invalid_grant' })))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    expect(await read(await tokenResponse!(answer(200, { error: 'unsupported_grant_type' })))).toEqual({ status: 400, body: { error: 'unsupported_grant_type' } });
  });

  it('a refresh refused with 400 invalid_request is invalid_grant; a bare 401 is invalid_client', async () => {
    expect(await read(await tokenResponse!(answer(400, { error: 'invalid_request' })))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await read(await tokenResponse!(answer(401, { message: 'Unauthorized', error: 401 })))).toEqual({ status: 401, body: { error: 'invalid_client' } });
    expect(await read(await tokenResponse!(answer(401)))).toEqual({ status: 401, body: { error: 'invalid_client' } });
    // Read as the core reads it: the preset's rewrite, then the challenge that names no error dropped.
    const challenged = await withChallengeWithoutErrorDropped(await tokenResponse!(new Response('{"message": "Unauthorized", "error": 401}', { status: 401, headers: { 'www-authenticate': 'Basic realm="reddit"' } })));
    expect(challenged.headers.has('www-authenticate')).toBe(false);
  });

  it('tokens and server faults are left as they came', async () => {
    const tokens = { access_token: 'a', token_type: 'bearer', expires_in: 3600, scope: 'identity', refresh_token: 'r' };
    expect(await read(await tokenResponse!(answer(200, tokens)))).toEqual({ status: 200, body: tokens });
    expect((await tokenResponse!(answer(503, { message: 'Service Unavailable' }))).status).toBe(503);
  });
});

describe('reddit revoke: the refresh token to /api/v1/revoke_token', () => {
  const request = (status: number, refreshToken: string | null = 'rt') =>
    revocationRequest(() => new Response(null, { status }), {
      clientId: 'p-jcoLKBynTLew',
      clientSecret: 'gko_LXELoV07ZBNUXrvWZfzE3aI',
      revocationEndpoint: 'https://www.reddit.com/api/v1/revoke_token',
      accessToken: 'at',
      refreshToken,
    });

  it('sends the refresh token with its hint, plain Basic credentials and the User-Agent; 204 is revoked', async () => {
    const { value, sent } = request(204);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toEqual([
      {
        url: 'https://www.reddit.com/api/v1/revoke_token',
        init: {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from('p-jcoLKBynTLew:gko_LXELoV07ZBNUXrvWZfzE3aI').toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
            'user-agent': expect.stringMatching(USER_AGENT),
          },
          body: 'token=rt&token_type_hint=refresh_token',
        },
      },
    ]);
  });

  it('the access token when there is no refresh token; 401 and other answers are refusals', async () => {
    const { value, sent } = request(204, null);
    await revoke!(value);
    expect(sent[0]!.init.body).toBe('token=at&token_type_hint=access_token');
    await expect(revoke!(request(401).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(500).value)).rejects.toMatchObject({ code: 'provider_error', message: 'Reddit answered HTTP 500 to the token revocation.' });
  });
});
