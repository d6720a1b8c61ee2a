import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { tiktok } from './tiktok.js';

const settings = tiktok.settings({}, { clientId: 'awk1a2b3c4d5e6f7' });
const { authorizationScope, tokenRequest, tokenResponse, profileClaims, revoke } = settings.hooks!;

describe('tiktok settings: the client key in the authorization request', () => {
  it('sends the client id as client_key, and no PKCE challenge', () => {
    expect(settings.authorizationParams).toEqual({ client_key: 'awk1a2b3c4d5e6f7' });
    expect(settings.pkce).toBe(false);
    expect(tiktok.settings({}).authorizationParams).toBeUndefined();
  });

  it('joins the scopes with commas', () => {
    expect(authorizationScope!('user.info.basic  video.list')).toBe('user.info.basic,video.list');
  });
});

describe('tiktok tokenRequest: the client named client_key', () => {
  it('renames client_id and keeps every other member and header', () => {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'rft.1', client_id: 'awk1', client_secret: 's e/cret' });
    const sent = tokenRequest!({ body, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' } });
    expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({ grant_type: 'refresh_token', refresh_token: 'rft.1', client_key: 'awk1', client_secret: 's e/cret' });
    expect(sent.headers).toEqual({ 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' });
  });
});

describe('tiktok tokenResponse: RFC 6749 shape', () => {
  const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('makes the comma-separated scope space-separated and names the refresh token lifetime refresh_token_expires_in', async () => {
    const rewritten = await tokenResponse!(
      answer(200, { open_id: 'o1', scope: 'user.info.basic,video.list', access_token: 'act.1', expires_in: 86400, refresh_token: 'rft.1', refresh_expires_in: 31536000, token_type: 'Bearer' }),
    );
    expect(rewritten.status).toBe(200);
    expect(await rewritten.json()).toEqual({
      open_id: 'o1',
      scope: 'user.info.basic video.list',
      access_token: 'act.1',
      expires_in: 86400,
      refresh_token: 'rft.1',
      refresh_expires_in: 31536000,
      refresh_token_expires_in: 31536000,
      token_type: 'Bearer',
    });
  });

  it('reads an error sent with HTTP 200 as a refusal: invalid_client as 401, another as 400', async () => {
    const grant = await tokenResponse!(answer(200, { error: 'invalid_grant', error_description: 'Authorization code is expired.', log_id: '2026' }));
    expect(grant.status).toBe(400);
    expect(await grant.json()).toEqual({ error: 'invalid_grant', error_description: 'Authorization code is expired.' });
    const client = await tokenResponse!(answer(200, { error: 'invalid_client', error_description: 'Client key or secret is incorrect.', log_id: '2026' }));
    expect(client.status).toBe(401);
    expect(await client.json()).toEqual({ error: 'invalid_client', error_description: 'Client key or secret is incorrect.' });
  });

  it('passes an error sent with a 4xx, and an answer that is not JSON, on as they came', async () => {
    const refused = await tokenResponse!(answer(400, { error: 'invalid_grant', error_description: 'Refresh token is invalid or expired.', log_id: '2026' }));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'invalid_grant', error_description: 'Refresh token is invalid or expired.', log_id: '2026' });
    const outage = await tokenResponse!(new Response('<h1>Bad Gateway</h1>', { status: 502, headers: { 'content-type': 'text/html' } }));
    expect(outage.status).toBe(502);
    expect(await outage.text()).toBe('<h1>Bad Gateway</h1>');
  });
});

describe('tiktok profileClaims: data.user of /v2/user/info/', () => {
  it('takes data.user, its display name and avatar as name and picture', () => {
    const body = { data: { user: { open_id: '-000Oq7r', union_id: 'c9c60f44', avatar_url: 'https://p16.tiktokcdn.com/a.jpeg', display_name: 'Tik Toker' } }, error: { code: 'ok', message: '', log_id: '2026' } };
    expect(profileClaims!(body)).toEqual({ ...body.data.user, name: 'Tik Toker', picture: 'https://p16.tiktokcdn.com/a.jpeg' });
  });

  it.each([
    [{ data: {}, error: { code: 'access_token_invalid', message: 'The access token is invalid or not found in the request.', log_id: '2026' } }],
    [{ data: { user: { open_id: 'x' } }, error: { code: 'scope_not_authorized', message: '', log_id: '2026' } }],
    [{ data: {} }],
    [{ user: { open_id: 'x' } }],
    [null],
  ])('finds no profile in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('tiktok revoke: the access token in a form with client_key and client_secret', () => {
  const request = (status: number, body: unknown, state: Partial<RevocationRequest> = {}) =>
    revocationRequest(answer(status, body), { clientId: 'awk1', clientSecret: 'sec', revocationEndpoint: 'https://open.tiktokapis.com/v2/oauth/revoke/', accessToken: 'act.live', ...state });

  it('200 with an empty body or {} is revoked', async () => {
    const { value, sent } = request(200, {});
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toEqual([
      {
        url: 'https://open.tiktokapis.com/v2/oauth/revoke/',
        init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'client_key=awk1&client_secret=sec&token=act.live' },
      },
    ]);
    expect(await revoke!(request(200, undefined).value)).toBe('revoked');
  });

  it('a refusal of a live token (4xx, or an error with HTTP 200) is already revoked; of an expired one, a failure', async () => {
    expect(await revoke!(request(400, { error: 'invalid_request', error_description: 'Token is invalid.', log_id: '1' }).value)).toBe('already_revoked');
    expect(await revoke!(request(200, { error: 'invalid_grant', log_id: '1' }).value)).toBe('already_revoked');
    expect(await revoke!(request(400, { error: 'invalid_request' }, { accessTokenExpired: true, refreshTokenRefused: true }).value)).toBe('already_revoked');
    await expect(revoke!(request(400, { error: 'invalid_request' }, { accessTokenExpired: true }).value)).rejects.toMatchObject({ code: 'provider_bad_response', message: 'TikTok refused the token revocation (HTTP 400, invalid_request).' });
  });

  it('invalid_client points at the configuration; a 5xx is the provider failing', async () => {
    await expect(revoke!(request(401, { error: 'invalid_client', error_description: 'Client key or secret is incorrect.' }).value)).rejects.toMatchObject({ code: 'provider_bad_response', message: expect.stringContaining('check the client key and secret') });
    await expect(revoke!(request(503, undefined).value)).rejects.toMatchObject({ code: 'provider_error' });
  });
});
