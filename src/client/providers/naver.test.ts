import { describe, expect, it } from 'vitest';
import { naver } from './naver.js';

const settings = naver.settings({});
const { tokenResponse, profileClaims } = settings.hooks!;

async function rewritten(body: string, status = 200): Promise<{ status: number; body: unknown }> {
  const answer = await tokenResponse!(new Response(body, { status, headers: { 'content-type': 'application/json;charset=utf-8' } }));
  return { status: answer.status, body: JSON.parse(await answer.text()) };
}

describe('naver tokenResponse: refusals sent with HTTP 200 made RFC 6749 §5.2 ones', () => {
  it('a code or refresh token Naver does not take (invalid_request, unauthorized_client) is a 400 invalid_grant, its own code kept', async () => {
    expect(await rewritten(JSON.stringify({ error: 'invalid_request', error_description: 'invalid refresh_token' }))).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'invalid refresh_token', naver_error: 'invalid_request' },
    });
    expect(await rewritten(JSON.stringify({ error: 'unauthorized_client' }))).toEqual({ status: 400, body: { error: 'invalid_grant', naver_error: 'unauthorized_client' } });
  });

  it('invalid_client is a 401, server_error a 500, another code a 400 under its own name', async () => {
    expect(await rewritten(JSON.stringify({ error: 'invalid_client' }))).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await rewritten(JSON.stringify({ error: 'server_error' }))).toMatchObject({ status: 500, body: { error: 'server_error' } });
    expect(await rewritten(JSON.stringify({ error: 'unsupported_response_type' }))).toMatchObject({ status: 400, body: { error: 'unsupported_response_type' } });
  });

  it('tokens, and a refusal sent with another status, are left as they came', async () => {
    const tokens = { access_token: 'AAAAQosjWDJieBiQZc3to9YQp6HDLvrmyKC+6+iZ3gq7qrkqf50ljZC+Lgoqrg', refresh_token: 'c8ceMEJisO4Se7uG', token_type: 'bearer', expires_in: '3600' };
    expect(await rewritten(JSON.stringify(tokens))).toEqual({ status: 200, body: tokens });
    expect(await rewritten(JSON.stringify({ error: 'invalid_request' }), 400)).toEqual({ status: 400, body: { error: 'invalid_request' } });
  });
});

describe('naver profileClaims: /v1/nid/me', () => {
  const me = (response: Record<string, unknown>, resultcode = '00') => ({ resultcode, message: 'success', response });

  it('takes the id, the name, the nickname, the e-mail and the profile image', () => {
    expect(
      profileClaims!(
        me({ id: '32742776', nickname: 'OpenAPI', name: '오픈 API', email: 'openapi@naver.com', profile_image: 'https://ssl.pstatic.net/static/pwe/address/nodata_33x33.gif', gender: 'F', age: '40-49' }),
      ),
    ).toEqual({ id: '32742776', name: '오픈 API', nickname: 'OpenAPI', email: 'openapi@naver.com', picture: 'https://ssl.pstatic.net/static/pwe/address/nodata_33x33.gif' });
  });

  it('the nickname names a person who gave no name; items not given are left out', () => {
    expect(profileClaims!(me({ id: 'c3Rhcmxpbmc', nickname: 'star***' }))).toEqual({ id: 'c3Rhcmxpbmc', name: 'star***', nickname: 'star***' });
  });

  it('an answer that is not a success, or without an id, names no one', () => {
    expect(profileClaims!(me({ id: '32742776' }, '024'))).toBeUndefined();
    expect(profileClaims!(me({ id: '', email: 'openapi@naver.com' }))).toBeUndefined();
    expect(profileClaims!({ resultcode: '00', message: 'success' })).toBeUndefined();
    expect(profileClaims!(null)).toBeUndefined();
  });
});

describe('naver settings', () => {
  it('sends the state at the code exchange and the client in the form, revokes at /oauth2.0/revoke, and asks for no scope', () => {
    expect(settings).toMatchObject({
      stateAtCodeExchange: true,
      tokenEndpointAuthMethod: 'client_secret_post',
      scope: '',
      endpoints: { revocationEndpoint: 'https://nid.naver.com/oauth2.0/revoke', userinfoEndpoint: 'https://openapi.naver.com/v1/nid/me' },
    });
  });
});
