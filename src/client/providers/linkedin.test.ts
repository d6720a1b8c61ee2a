import { describe, expect, it } from 'vitest';
import { linkedin } from './linkedin.js';

const tokenResponse = linkedin.settings({}).hooks!.tokenResponse!;

async function rewritten(body: string, status = 200) {
  const answer = await tokenResponse(new Response(body, { status, headers: { 'content-type': 'application/json' } }));
  return { status: answer.status, text: await answer.text() };
}

describe('linkedin tokenResponse', () => {
  it('adds the Bearer token type LinkedIn leaves out, and makes the scope space-separated', async () => {
    const answer = await rewritten(JSON.stringify({ access_token: 'AQV', expires_in: 5184000, scope: 'email,openid, profile' }));
    expect(JSON.parse(answer.text)).toEqual({ access_token: 'AQV', expires_in: 5184000, scope: 'email openid profile', token_type: 'Bearer' });
  });

  it('keeps a token type that is there', async () => {
    expect(JSON.parse((await rewritten(JSON.stringify({ access_token: 'AQV', token_type: 'bearer' }))).text).token_type).toBe('bearer');
  });

  it('a code or refresh token it will not redeem becomes invalid_grant, keeping its status', async () => {
    const answer = await rewritten(JSON.stringify({ error: 'invalid_request', error_description: 'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired.' }), 400);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'invalid_grant', linkedin_error: 'invalid_request' });
  });

  it('another invalid_request stays one', async () => {
    expect(JSON.parse((await rewritten(JSON.stringify({ error: 'invalid_request', error_description: 'A required parameter "client_id" is missing' }), 400)).text).error).toBe('invalid_request');
    expect(JSON.parse((await rewritten(JSON.stringify({ error: 'invalid_request' }), 400)).text).error).toBe('invalid_request');
  });

  it('a body that is not JSON is passed on as it was', async () => {
    expect(await rewritten('<html>oops</html>', 500)).toEqual({ status: 500, text: '<html>oops</html>' });
  });
});
