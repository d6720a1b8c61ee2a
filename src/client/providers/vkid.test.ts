import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { vkid } from './vkid.js';

const settings = vkid.settings({});
const { tokenRequest, tokenResponse, profileClaims, tokenAnswerClaims, tokenRejected, revoke } = settings.hooks!;

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('vkid tokenRequest: a state in every refresh', () => {
  it('adds a new random state to a refresh, and leaves the rest (and the headers) as they were', () => {
    const headers = { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' };
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'rt-1', client_id: '53102741', device_id: 'dev-1' });
    const first = tokenRequest!({ body: form, headers });
    const second = tokenRequest!({ body: form, headers });
    const sent = new URLSearchParams(first.body);
    expect(Object.fromEntries(sent)).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'rt-1', client_id: '53102741', device_id: 'dev-1' });
    expect(sent.get('state')).toMatch(/^[\w-]{43}$/);
    expect(new URLSearchParams(second.body).get('state')).not.toBe(sent.get('state'));
    expect(first.headers).toBe(headers);
    expect(form.has('state')).toBe(false);
  });

  it("keeps the code exchange's own state, and a refresh's state where one is there", () => {
    const exchange = new URLSearchParams({ grant_type: 'authorization_code', code: 'c-1', state: 'st-browser' });
    expect(new URLSearchParams(tokenRequest!({ body: exchange, headers: {} }).body).getAll('state')).toEqual(['st-browser']);
    const refresh = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'rt-1', state: 'st-given' });
    expect(new URLSearchParams(tokenRequest!({ body: refresh, headers: {} }).body).getAll('state')).toEqual(['st-given']);
  });
});

describe('vkid tokenResponse: a refusal sent with HTTP 200', () => {
  it.each([
    ['invalid_grant', 400],
    ['invalid_request', 400],
    ['invalid_client', 401],
    ['server_error', 500],
  ])('%s with HTTP 200 becomes HTTP %i with the same body', async (error, status) => {
    const body = { error, error_description: 'said by VK ID', state: 'st-1' };
    const rewritten = await tokenResponse!(json(200, body));
    expect(rewritten.status).toBe(status);
    expect(await rewritten.json()).toEqual(body);
  });

  it('tokens, and refusals sent with their own status, pass as they came', async () => {
    const tokens = { access_token: 'at', refresh_token: 'rt', token_type: 'Bearer', expires_in: 3600, user_id: 1, state: 'st', scope: 'email' };
    const passed = await tokenResponse!(json(200, tokens));
    expect(passed.status).toBe(200);
    expect(await passed.json()).toEqual(tokens);
    const refused = await tokenResponse!(json(400, { error: 'invalid_grant' }));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'invalid_grant' });
  });
});

describe('vkid profileClaims and tokenAnswerClaims: the person', () => {
  it("reads user_info's user: its user_id (a string or a number), the names, the photo and the e-mail", () => {
    const user = { user_id: '1234567890', first_name: 'Ivan', last_name: 'Ivanov', avatar: 'https://sun1-00.userapi.com/a.jpg', email: 'ivan@mail.test', phone: '79991234567', sex: 2, verified: false };
    expect(profileClaims!({ user })).toEqual({ user_id: '1234567890', name: 'Ivan Ivanov', given_name: 'Ivan', family_name: 'Ivanov', picture: 'https://sun1-00.userapi.com/a.jpg', email: 'ivan@mail.test' });
    expect(profileClaims!({ user: { user_id: 1234567890, first_name: 'Ivan' } })).toEqual({ user_id: '1234567890', name: 'Ivan', given_name: 'Ivan' });
    // Without a user_id here, the token answer's names the person.
    expect(profileClaims!({ user: { first_name: 'Ivan' } })).toEqual({ name: 'Ivan', given_name: 'Ivan' });
  });

  it.each([[null], [{}], [{ user: 'ivan' }], [[{ user: {} }]], [{ error: 'invalid_token' }]])('finds no profile in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });

  it("takes the code exchange's user_id, a positive whole number (or its digits), and never the tokens", () => {
    expect(tokenAnswerClaims!({ access_token: 'at', refresh_token: 'rt', user_id: 1234567890 })).toEqual({ user_id: '1234567890' });
    expect(tokenAnswerClaims!({ user_id: '1234567890' })).toEqual({ user_id: '1234567890' });
    for (const userId of [0, -5, 1.5, 'ivan', '', null, undefined]) expect(tokenAnswerClaims!({ access_token: 'at', user_id: userId }), String(userId)).toEqual({});
  });
});

describe('vkid tokenRejected: the VK API says a token is not taken with HTTP 200', () => {
  it('error 5 ("User authorization failed") with HTTP 200 is a rejected token; other errors, answers and statuses are not', async () => {
    expect(await tokenRejected!(json(200, { error: { error_code: 5, error_msg: 'User authorization failed: invalid access_token (4).' } }))).toBe(true);
    expect(await tokenRejected!(json(200, { error: { error_code: 15, error_msg: 'Access denied' } }))).toBe(false);
    expect(await tokenRejected!(json(200, { response: [{ id: 1 }] }))).toBe(false);
    expect(await tokenRejected!(json(400, { error: { error_code: 5 } }))).toBe(false);
    expect(await tokenRejected!(new Response('not json', { status: 200 }))).toBe(false);
  });
});

describe('vkid revoke: POST /oauth2/logout', () => {
  const endpoint = 'https://id.vk.com/oauth2/logout';
  const request = (status: number, body: unknown, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status, body), { revocationEndpoint: endpoint, clientId: '53102741', ...state });

  it('{ response: 1 } is revoked; the client id and the access token go in a form, with no Authorization', async () => {
    const { value, sent } = request(200, { response: 1 });
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(endpoint);
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.headers.authorization).toBeUndefined();
    expect(sent[0]!.init.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(sent[0]!.init.body))).toEqual({ client_id: '53102741', access_token: 'live' });
  });

  it('invalid_token for a live token, or once VK ID refused the refresh token, is already revoked; for an expired one it proves nothing', async () => {
    for (const status of [200, 400, 401]) expect(await revoke!(request(status, { error: 'invalid_token' }).value)).toBe('already_revoked');
    expect(await revoke!(request(401, { error: 'invalid_token' }, { accessTokenExpired: true, refreshTokenRefused: true }).value)).toBe('already_revoked');
    await expect(revoke!(request(401, { error: 'invalid_token' }, { accessTokenExpired: true }).value)).rejects.toMatchObject({ code: 'provider_bad_response', message: 'VK ID answered HTTP 401 to the logout: invalid_token.' });
  });

  it('any other answer is a fault: a 2xx without response 1, another refusal, a server error', async () => {
    await expect(revoke!(request(200, { response: 0 }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(400, { error: 'invalid_client' }).value)).rejects.toMatchObject({ code: 'provider_bad_response', message: 'VK ID answered HTTP 400 to the logout: invalid_client.' });
    await expect(revoke!(request(502, '<html>Bad Gateway</html>').value)).rejects.toMatchObject({ code: 'provider_error', message: 'VK ID answered HTTP 502 to the logout.' });
  });

  it('without an endpoint it does not guess one', async () => {
    await expect(revoke!(request(200, { response: 1 }, { revocationEndpoint: undefined }).value)).rejects.toThrow('logout endpoint');
  });
});

describe('vkid settings', () => {
  it('a public client with PKCE; the device_id resent; the profile by form; the token in the VK API query; the person is user_id', () => {
    expect(settings).toMatchObject({
      scope: 'vkid.personal_info email',
      tokenEndpointAuthMethod: 'none',
      stateAtCodeExchange: true,
      refreshSendsRedirectUri: true,
      callbackParametersResent: ['device_id'],
      userinfoTokenInForm: true,
      accessTokenParameter: 'access_token',
      successMayRejectToken: true,
      idTokenUnused: true,
      subjectClaim: 'user_id',
    });
    expect(settings.pkce).toBeUndefined();
  });
});
