import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { revocationRequest } from '../../../test/support/revocation-request.js';
import { twitch } from './twitch.js';

const hooks = twitch.settings({}).hooks!;
const tokenResponse = hooks.tokenResponse!;
const revoke = hooks.revoke!;

const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('twitch tokenResponse: its answers in RFC 6749 shape', () => {
  it('the scope array becomes a space-separated string (RFC 6749 §3.3), the rest as it was', async () => {
    const rewritten = await tokenResponse(answer(200, { access_token: 'a', refresh_token: 'r', expires_in: 14_124, scope: ['openid', 'user:read:email'], token_type: 'bearer' }));
    expect(await rewritten.json()).toEqual({ access_token: 'a', refresh_token: 'r', expires_in: 14_124, scope: 'openid user:read:email', token_type: 'bearer' });
    expect(await (await tokenResponse(answer(200, { access_token: 'a', scope: [], token_type: 'bearer' }))).json()).toMatchObject({ scope: '' });
  });

  it('a string scope, or none, is left alone', async () => {
    expect(await (await tokenResponse(answer(200, { access_token: 'a', scope: 'openid', token_type: 'bearer' }))).json()).toMatchObject({ scope: 'openid' });
    expect(await (await tokenResponse(answer(200, { access_token: 'a', token_type: 'bearer' }))).json()).not.toHaveProperty('scope');
  });

  it.each([
    [400, { error: 'Bad Request', status: 400, message: 'Invalid refresh token' }, 400, 'invalid_grant'],
    [400, { status: 400, message: 'Invalid authorization code' }, 400, 'invalid_grant'],
    [403, { status: 403, message: 'invalid client secret' }, 401, 'invalid_client'],
    [400, { status: 400, message: 'invalid client' }, 401, 'invalid_client'],
    [400, { status: 400, message: 'missing grant_type' }, 400, 'invalid_request'],
    [500, { error: 'Internal Server Error', status: 500, message: 'Internal Server Error' }, 500, 'invalid_request'],
  ] as const)('HTTP %i %j is %i %s, Twitch’s message its description', async (status, body, rewrittenStatus, code) => {
    const rewritten = await tokenResponse(answer(status, body));
    expect(rewritten.status).toBe(rewrittenStatus);
    expect(await rewritten.json()).toEqual({ error: code, error_description: body.message, twitch_status: status });
  });

  it('an error already in RFC 6749 §5.2 form, or without a message, is passed on as it was', async () => {
    const rfc = JSON.stringify({ error: 'invalid_grant', error_description: 'expired', message: 'x' });
    expect(await (await tokenResponse(new Response(rfc, { status: 400 }))).text()).toBe(rfc);
    expect(await (await tokenResponse(new Response('<h1>Bad Gateway</h1>', { status: 502 }))).text()).toBe('<h1>Bad Gateway</h1>');
  });
});

const request = (status: number, state: Partial<Pick<RevocationRequest, 'accessTokenExpired' | 'refreshTokenRefused' | 'revocationEndpoint'>> = {}) =>
  revocationRequest(() => (status === 200 ? new Response(null, { status }) : answer(status, { status, message: 'Invalid token' })), {
    clientId: 'hof5gwx0su6owfnys0nyan9c87zr6t',
    revocationEndpoint: 'https://id.twitch.tv/oauth2/revoke',
    accessToken: 'at-live',
    ...state,
  });

describe('twitch revoke: POST the access token to /oauth2/revoke with the client id', () => {
  it('200 is revoked; the form has client_id and token, and no secret', async () => {
    const { value, sent } = request(200);
    expect(await revoke(value)).toBe('revoked');
    expect(sent).toEqual([
      {
        url: 'https://id.twitch.tv/oauth2/revoke',
        init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'client_id=hof5gwx0su6owfnys0nyan9c87zr6t&token=at-live' },
      },
    ]);
  });

  it('400 for a live token, or for an expired one whose refresh token was refused too, is already_revoked', async () => {
    expect(await revoke(request(400).value)).toBe('already_revoked');
    expect(await revoke(request(400, { accessTokenExpired: true, refreshTokenRefused: true }).value)).toBe('already_revoked');
  });

  it('400 for an expired token the refresh could not replace says nothing of the grant: a refusal', async () => {
    await expect(revoke(request(400, { accessTokenExpired: true }).value)).rejects.toMatchObject({ code: 'provider_bad_response', message: 'Twitch answered HTTP 400 to the token revocation.' });
  });

  it('404 names the client id; other answers are refusals', async () => {
    await expect(revoke(request(404).value)).rejects.toMatchObject({ code: 'provider_bad_response', message: expect.stringContaining('client id') });
    await expect(revoke(request(503).value)).rejects.toMatchObject({ code: 'provider_error', message: 'Twitch answered HTTP 503 to the token revocation.' });
  });

  it('needs the revocation endpoint', async () => {
    await expect(revoke(request(200, { revocationEndpoint: undefined }).value)).rejects.toThrow('Twitch revocation needs its revocation endpoint');
  });
});
