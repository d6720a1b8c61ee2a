import { describe, expect, it } from 'vitest';
import { tumblr } from './tumblr.js';

const { tokenResponse, profileClaims } = tumblr.settings({}).hooks!;

const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('tumblr tokenResponse: the answer without "id_token": false', () => {
  it('leaves out a non-string id_token and keeps every other member and the status', async () => {
    const sent = { access_token: 'a', expires_in: 2520, id_token: false, refresh_token: 'r', scope: 'write offline_access', token_type: 'bearer' };
    const rewritten = await tokenResponse!(answer(200, sent));
    expect(rewritten.status).toBe(200);
    expect(await rewritten.json()).toEqual({ access_token: 'a', expires_in: 2520, refresh_token: 'r', scope: 'write offline_access', token_type: 'bearer' });
  });

  it('a string id_token, an answer without one, and a refusal pass as they are', async () => {
    const withIdToken = { access_token: 'a', token_type: 'bearer', id_token: 'eyJ.x.y' };
    expect(await (await tokenResponse!(answer(200, withIdToken))).json()).toEqual(withIdToken);
    const refused = await tokenResponse!(answer(401, { error: 'invalid_grant' }));
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: 'invalid_grant' });
  });
});

describe('tumblr profileClaims: /v2/user/info', () => {
  const info = (user: unknown) => ({ meta: { status: 200, msg: 'OK' }, response: { user } });

  it("takes the primary blog's uuid, title and URL, and the short name as preferred_username", () => {
    const blogs = [
      { name: 'ihatehipstrz', title: 'I Hate Hipstrz', url: 'https://ihatehipstrz.tumblr.com/', primary: false, uuid: 't:side' },
      { name: 'derekg', title: 'Derek Gottfrid', url: 'https://derekg.org/', primary: true, uuid: 't:0aY0xL2Fi1OFJg4YxpmegQ' },
    ];
    expect(profileClaims!(info({ name: 'derekg', following: 263, blogs }))).toEqual({
      uuid: 't:0aY0xL2Fi1OFJg4YxpmegQ',
      preferred_username: 'derekg',
      name: 'Derek Gottfrid',
      blog_url: 'https://derekg.org/',
    });
  });

  it('a primary blog without a title is named by the short name', () => {
    expect(profileClaims!(info({ name: 'staff', blogs: [{ title: ' ', primary: true, uuid: 't:x' }] }))).toEqual({ uuid: 't:x', preferred_username: 'staff', name: 'staff' });
  });

  it.each([
    [info({ name: 'derekg', blogs: [{ uuid: 't:side', primary: false }] })],
    [info({ name: 'derekg', blogs: [{ primary: true, uuid: '' }] })],
    [info({ name: 'derekg' })],
    [{ user: { name: 'derekg', blogs: [{ primary: true, uuid: 't:x' }] } }],
    [null],
  ])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
