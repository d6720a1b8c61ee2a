import { describe, expect, it } from 'vitest';
import { withings } from './withings.js';

const { tokenRequest, tokenResponse, tokenResponseProfile, authorizationScope, tokenRejected } = withings.settings({}).hooks!;

const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const read = async (response: Response) => ({ status: response.status, body: await response.json() });

describe('withings tokenRequest: the requesttoken action', () => {
  it('adds action=requesttoken to the code exchange and the refresh, leaving the rest', () => {
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const sent = tokenRequest!({ body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r1', client_id: 'c', client_secret: 's' }), headers });
    expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({ grant_type: 'refresh_token', refresh_token: 'r1', client_id: 'c', client_secret: 's', action: 'requesttoken' });
    expect(sent.headers).toEqual(headers);
  });
});

describe('withings tokenResponse: the { status, body } envelope', () => {
  it('unwraps a status 0 answer, its comma-separated scope read as space-separated', async () => {
    const body = { userid: '363', access_token: 'a', refresh_token: 'r', expires_in: 10800, scope: 'user.info,user.metrics', token_type: 'Bearer' };
    expect(await read(await tokenResponse!(answer(200, { status: 0, body })))).toEqual({ status: 200, body: { ...body, scope: 'user.info user.metrics' } });
  });

  it('a refusal sent with HTTP 200 is an RFC 6749 error: the client invalid_client (401), a code or refresh token invalid_grant (400); too many requests a 503', async () => {
    expect(await read(await tokenResponse!(answer(200, { status: 503, body: {}, error: 'Invalid Params: invalid code' })))).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Withings status 503: Invalid Params: invalid code' } });
    expect(await read(await tokenResponse!(answer(200, { status: 503, body: {}, error: 'Invalid Params: invalid client_secret' })))).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect((await tokenResponse!(answer(200, { status: 601, body: {}, error: 'Too Many Requests' }))).status).toBe(503);
  });

  it('leaves server faults and answers without the envelope as they came', async () => {
    expect((await tokenResponse!(new Response('<h1>Bad Gateway</h1>', { status: 502, headers: { 'content-type': 'text/html' } }))).status).toBe(502);
    expect(await read(await tokenResponse!(answer(400, { error: 'invalid_request' })))).toEqual({ status: 400, body: { error: 'invalid_request' } });
  });
});

describe('withings scopes and the person', () => {
  it('joins scopes with commas at the authorization request', () => {
    expect(authorizationScope!('user.info user.metrics user.activity')).toBe('user.info,user.metrics,user.activity');
  });

  it('the person is the userid of the token answer, as digits, never the tokens', () => {
    expect(tokenResponseProfile!({ userid: 363, access_token: 'a' })).toEqual({ id: '363' });
    expect(tokenResponseProfile!({ userid: '363', access_token: 'a' })).toEqual({ id: '363' });
    expect(tokenResponseProfile!({ access_token: 'a' })).toBeUndefined();
  });
});

describe('withings tokenRejected: an ended access token answered with HTTP 200', () => {
  it.each([100, 101, 102, 200, 401])('status %i ("authentication failed") is the token refused', async (status) => {
    expect(await tokenRejected!(answer(200, { status, body: {}, error: 'XRequestID: Not provided invalid_token: The access token provided is invalid' }))).toBe(true);
    expect(await tokenRejected!(answer(200, { status, body: {} }))).toBe(true);
  });

  it('a success, another refusal, insufficient_scope, a non-200 or a body that is not the envelope is not', async () => {
    expect(await tokenRejected!(answer(200, { status: 0, body: { measuregrps: [] } }))).toBe(false);
    expect(await tokenRejected!(answer(200, { status: 2554, body: {}, error: 'Wrong action or wrong webservice' }))).toBe(false);
    expect(await tokenRejected!(answer(200, { status: 401, body: {}, error: 'XRequestID: Not provided insufficient_scope' }))).toBe(false);
    expect(await tokenRejected!(answer(403, { status: 401, body: {} }))).toBe(false);
    expect(await tokenRejected!(new Response('<html>', { status: 200 }))).toBe(false);
    expect(await tokenRejected!(answer(200, { status: '401' }))).toBe(false);
  });

  it('is asked about successful answers: the settings say Withings refuses tokens with them', () => {
    expect(withings.settings({}).successMayRejectToken).toBe(true);
  });
});
