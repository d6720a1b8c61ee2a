import { describe, expect, it } from 'vitest';
import { keap } from './keap.js';

const { tokenRequest, tokenResponse, profileClaims } = keap.settings({}).hooks!;

describe('keap tokenRequest: the client as Basic on a refresh, in the form on the code exchange', () => {
  const headers = { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' };

  it('a refresh loses client_id and client_secret from its form and carries them as Basic, the other headers kept', () => {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r1', client_id: 'id:1', client_secret: 's€cret' });
    const sent = tokenRequest!({ body, headers });
    expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({ grant_type: 'refresh_token', refresh_token: 'r1' });
    expect(sent.headers).toEqual({ ...headers, authorization: `Basic ${Buffer.from('id:1:s€cret').toString('base64')}` });
    expect(body.get('client_id')).toBe('id:1');
  });

  it('the code exchange goes as it is, the client in the form', () => {
    const exchange = new URLSearchParams({ grant_type: 'authorization_code', code: 'abc', redirect_uri: 'https://app.example/cb', client_id: 'c', client_secret: 's' });
    expect(tokenRequest!({ body: exchange, headers })).toEqual({ body: exchange.toString(), headers });
  });
});

describe('keap tokenResponse: "Invalid Refresh Token" is invalid_grant', () => {
  const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('400 invalid_request "Invalid Refresh Token" becomes invalid_grant with its description', async () => {
    const rewritten = await tokenResponse!(answer(400, { error: 'invalid_request', error_description: 'Invalid Refresh Token' }));
    expect(rewritten.status).toBe(400);
    expect(await rewritten.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid Refresh Token' });
  });

  it('another invalid_request, another error and a success are left as they are', async () => {
    const missing = await tokenResponse!(answer(400, { error: 'invalid_request', error_description: 'response_type or grant_type is required' }));
    expect(await missing.json()).toEqual({ error: 'invalid_request', error_description: 'response_type or grant_type is required' });
    const client = await tokenResponse!(answer(401, { error: 'invalid_client' }));
    expect(client.status).toBe(401);
    expect(await client.json()).toEqual({ error: 'invalid_client' });
    const ok = await tokenResponse!(answer(200, { access_token: 'a', token_type: 'bearer', expires_in: 86400 }));
    expect(await ok.json()).toEqual({ access_token: 'a', token_type: 'bearer', expires_in: 86400 });
  });
});

describe('keap profileClaims: /v1/oauth/connect/userinfo', () => {
  it('takes global_user_id, the given and family names, the e-mail and the Keap app', () => {
    expect(
      profileClaims!({ sub: '70101', global_user_id: 70101, given_name: 'Ada', family_name: 'Lovelace', middle_name: '', preferred_name: 'Ada L', email: 'ada@example.com', infusionsoft_id: 'xy123.infusionsoft.com', is_admin: true }),
    ).toEqual({ global_user_id: 70101, given_name: 'Ada', family_name: 'Lovelace', email: 'ada@example.com', infusionsoft_id: 'xy123.infusionsoft.com' });
  });

  it('leaves out empty names, e-mail and app', () => {
    expect(profileClaims!({ global_user_id: 7, given_name: ' ', family_name: 'Solo', email: '', infusionsoft_id: '' })).toEqual({ global_user_id: 7, family_name: 'Solo' });
  });

  it.each([[{ sub: '70101', email: 'a@b.c' }], [{ global_user_id: '70101' }], [{ global_user_id: 1.5 }], [null], [[{ global_user_id: 1 }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
