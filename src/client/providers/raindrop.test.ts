import { describe, expect, it } from 'vitest';
import { raindrop } from './raindrop.js';

const hooks = raindrop.settings({}).hooks!;
const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('raindrop tokenRequest: the JSON body Raindrop.io documents', () => {
  it("sends openid-client's form as JSON with the client in it, and no form content type", () => {
    const sent = hooks.tokenRequest!({
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c898', redirect_uri: 'https://app.example/cb', client_id: 'id', client_secret: 'secret' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' },
    });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'authorization_code', code: 'c898', redirect_uri: 'https://app.example/cb', client_id: 'id', client_secret: 'secret' });
    expect(sent.headers).toEqual({ accept: 'application/json', 'content-type': 'application/json' });
  });
});

describe("raindrop tokenResponse: Raindrop.io's answers in RFC 6749's shape", () => {
  it('reads a 400 bad_authorization_code as invalid_grant, keeping Raindrop.io\'s word', async () => {
    const read = await hooks.tokenResponse!(answer(400, { error: 'bad_authorization_code' }));
    expect(read.status).toBe(400);
    expect(await read.json()).toMatchObject({ error: 'invalid_grant', raindrop_error: 'bad_authorization_code' });
  });

  it('gives an answer with only the deprecated expires (milliseconds) its expires_in in seconds', async () => {
    const read = await hooks.tokenResponse!(answer(200, { access_token: 'a', refresh_token: 'r', expires: 1209599768, token_type: 'Bearer' }));
    expect(await read.json()).toEqual({ access_token: 'a', refresh_token: 'r', expires: 1209599768, expires_in: 1209599, token_type: 'Bearer' });
  });

  it('leaves an answer with expires_in, other refusals and answers without expires as they came', async () => {
    const documented = { access_token: 'a', refresh_token: 'r', expires: 1209599768, expires_in: 1209599, token_type: 'Bearer' };
    expect(await (await hooks.tokenResponse!(answer(200, documented))).json()).toEqual(documented);
    expect(await (await hooks.tokenResponse!(answer(200, { access_token: 'a', token_type: 'Bearer' }))).json()).toEqual({ access_token: 'a', token_type: 'Bearer' });
    const refused = await hooks.tokenResponse!(answer(401, { error: 'invalid_client' }));
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: 'invalid_client' });
    const other = await hooks.tokenResponse!(answer(400, { error: 'invalid_grant' }));
    expect(await other.json()).toEqual({ error: 'invalid_grant' });
  });
});

describe('raindrop profileClaims: /rest/v1/user', () => {
  it('takes the numeric _id as a string id, fullName as the name, the e-mail and pro, and leaves the rest', () => {
    const body = { result: true, user: { _id: 32, email: 'some@email.com', email_MD5: '13a0', fullName: 'Mussabekov Rustem', pro: true, password: true, groups: [] } };
    expect(hooks.profileClaims!(body)).toEqual({ id: '32', name: 'Mussabekov Rustem', email: 'some@email.com', pro: true });
  });

  it('leaves out an empty name and e-mail', () => {
    expect(hooks.profileClaims!({ result: true, user: { _id: 7, fullName: ' ', email: '' } })).toEqual({ id: '7' });
  });

  it.each([[{ result: true, user: { fullName: 'No Id' } }], [{ result: true, user: { _id: 1.5 } }], [{ result: true, user: { _id: '' } }], [{ _id: 32 }], [null], [{ result: false, error: -1 }]])('finds no one in %j', (body) => {
    expect(hooks.profileClaims!(body)).toBeUndefined();
  });
});
