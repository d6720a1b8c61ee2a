import { describe, expect, it } from 'vitest';
import { zeplin } from './zeplin.js';

const { tokenRequest, tokenResponse, profileClaims } = zeplin.settings({}).hooks!;

const answer = (status: number, body: string) => new Response(body, { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
const rewritten = async (status: number, body: unknown) => {
  const response = await tokenResponse!(answer(status, JSON.stringify(body)));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('zeplin tokenRequest', () => {
  it("sends openid-client's form as a JSON body with the same members, the client's id and secret among them", () => {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'rt', client_id: 'id', client_secret: 's3cret' });
    const sent = tokenRequest!({ body: form, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' } });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt', client_id: 'id', client_secret: 's3cret' });
    expect(sent.headers).toEqual({ accept: 'application/json', 'content-type': 'application/json' });
  });
});

describe("zeplin tokenResponse: Zeplin's { message, detail } refusals and refresh_expires_in as RFC 6749's", () => {
  it('a refused code or refresh token is invalid_grant (400), with its detail', async () => {
    expect(await rewritten(400, { message: 'invalid_grant', detail: 'Provided `refresh_token` is expired' })).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Provided `refresh_token` is expired' },
    });
    expect(await rewritten(400, { message: 'invalid_grant' })).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Zeplin answered invalid_grant' } });
  });

  it('a wrong client id or secret is invalid_client, made 401', async () => {
    expect(await rewritten(400, { message: 'invalid_client', detail: 'Provided `client_id` or `client_secret` are incorrect' })).toEqual({
      status: 401,
      body: { error: 'invalid_client', error_description: 'Provided `client_id` or `client_secret` are incorrect' },
    });
  });

  it("names a success's refresh_expires_in refresh_token_expires_in, the rest as it came", async () => {
    const success = { access_token: 'at', expires_in: 86400, refresh_token: 'rt', refresh_expires_in: 864000, token_type: 'bearer' };
    expect(await rewritten(200, success)).toEqual({ status: 200, body: { ...success, refresh_token_expires_in: 864000 } });
  });

  it('leaves alone an RFC 6749 refusal, a message RFC 6749 does not name, a 5xx, and a body that is not JSON', async () => {
    const cases: Array<[number, string]> = [
      [400, JSON.stringify({ error: 'invalid_grant', message: 'invalid_grant' })],
      [404, JSON.stringify({ message: 'Project is not found' })],
      [503, JSON.stringify({ message: 'invalid_grant' })],
      [400, '<h1>Bad Request</h1>'],
      [200, JSON.stringify({ access_token: 'at', token_type: 'bearer' })],
    ];
    for (const [status, body] of cases) {
      const response = await tokenResponse!(answer(status, body));
      expect(response.status).toBe(status);
      expect(await response.text()).toBe(body);
    }
  });
});

describe('zeplin profileClaims', () => {
  it("keeps the id and the username, never the e-mail alias Zeplin gives OAuth apps", () => {
    expect(profileClaims!({ id: '5d92048e7d61eb5d8634f49f', email: 'ada.8f2c@zeplin-alias.example', username: ' ada ', emotar: '🦄', last_seen: 1 })).toEqual({ id: '5d92048e7d61eb5d8634f49f', username: 'ada' });
    expect(profileClaims!({ id: '5d92048e7d61eb5d8634f49f' })).toEqual({ id: '5d92048e7d61eb5d8634f49f' });
  });

  it('an answer without an id names no one', () => {
    expect(profileClaims!({ username: 'ada' })).toBeUndefined();
    expect(profileClaims!({ id: '' })).toBeUndefined();
    expect(profileClaims!([])).toBeUndefined();
  });
});
