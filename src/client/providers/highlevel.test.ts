import { describe, expect, it } from 'vitest';
import { highlevel } from './highlevel.js';

const { tokenRequest, tokenResponse, tokenResponseProfile } = highlevel.settings({}).hooks!;

function answer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('highlevel tokenRequest: the form with the user_type asked for', () => {
  const form = () => new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r1', client_id: 'c', client_secret: 's' });
  const headers = { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' };

  it('adds user_type=Location by default, the form and its headers otherwise as openid-client made them', () => {
    const sent = tokenRequest!({ body: form(), headers });
    expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({ grant_type: 'refresh_token', refresh_token: 'r1', client_id: 'c', client_secret: 's', user_type: 'Location' });
    expect(sent.headers).toEqual(headers);
  });

  it('sends the <NAME>_USER_TYPE given, once', () => {
    const company = highlevel.settings({ userType: 'Company' }).hooks!.tokenRequest!;
    const body = form();
    body.set('user_type', 'Location');
    expect(new URLSearchParams(company({ body, headers }).body).getAll('user_type')).toEqual(['Company']);
  });
});

describe("highlevel tokenResponse: HighLevel's { statusCode, message, error } refusals read as RFC 6749's", () => {
  const read = async (response: Response) => {
    const rewritten = await tokenResponse!(response);
    return { status: rewritten.status, body: await rewritten.json() };
  };

  it.each([
    [400, { statusCode: 400, message: 'Invalid grant: refresh token is invalid' }, 400, 'invalid_grant'],
    [401, { statusCode: 401, message: 'Invalid grant: authorization code is invalid', error: 'Unauthorized' }, 400, 'invalid_grant'],
    [401, { statusCode: 401, message: 'Invalid client: client is invalid', error: 'Unauthorized' }, 401, 'invalid_client'],
    [401, { statusCode: 401, message: 'Unauthorized', error: 'Unauthorized' }, 401, 'invalid_client'],
    [422, { statusCode: 422, message: ['user_type must be one of the following values: Company, Location'], error: 'Unprocessable Entity' }, 400, 'invalid_request'],
    [400, { statusCode: 400, message: 'Bad Request' }, 400, 'invalid_request'],
  ])('%i %j is %i %s, its message the description', async (status, body, rewrittenStatus, error) => {
    const rewritten = await read(answer(status, body));
    expect(rewritten.status).toBe(rewrittenStatus);
    expect(rewritten.body).toEqual({ error, error_description: Array.isArray(body.message) ? body.message[0] : body.message });
  });

  it('leaves an RFC 6749 refusal, a success and a 5xx as they were', async () => {
    const rfc = { error: 'invalid_grant', error_description: 'This refresh token is invalid' };
    expect(await (await tokenResponse!(answer(400, rfc))).json()).toEqual(rfc);
    const success = { access_token: 'a', token_type: 'Bearer', expires_in: 86399, refresh_token: 'r', userId: 'u' };
    const passed = await tokenResponse!(answer(200, success));
    expect(passed.status).toBe(200);
    expect(await passed.json()).toEqual(success);
    expect((await tokenResponse!(new Response('<h1>Bad gateway</h1>', { status: 502 }))).status).toBe(502);
  });
});

describe('highlevel tokenResponseProfile: who installed the app, and what the token is for', () => {
  const tokens = { access_token: 'a', token_type: 'Bearer', expires_in: 86399, refresh_token: 'r', scope: 'locations.readonly' };

  it('keeps the userId, the company, the location, the user type and the approved locations, never a token', () => {
    const profile = tokenResponseProfile!({ ...tokens, userType: 'Location', companyId: 'c1', locationId: 'l1', userId: 'u1', planId: 'p1', isBulkInstallation: false, approvedLocations: ['l1', 7] });
    expect(profile).toEqual({ userId: 'u1', companyId: 'c1', locationId: 'l1', userType: 'Location', approvedLocations: ['l1'] });
  });

  it('a company token has no location', () => {
    expect(tokenResponseProfile!({ ...tokens, userType: 'Company', companyId: 'c1', userId: 'u1' })).toEqual({ userId: 'u1', companyId: 'c1', userType: 'Company' });
  });

  it.each([[{ ...tokens }], [{ ...tokens, userId: '' }], [{ ...tokens, userId: 42 }]])('finds no one in %j', (body) => {
    expect(tokenResponseProfile!(body)).toBeUndefined();
  });
});
