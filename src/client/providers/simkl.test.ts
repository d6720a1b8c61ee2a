import { describe, expect, it } from 'vitest';
import { simkl } from './simkl.js';

const { tokenResponse, profileClaims } = simkl.settings({}).hooks!;

const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('simkl tokenResponse: a refused code as RFC 6749 reads it', () => {
  it("Simkl's 401 grant_error becomes 400 invalid_grant, its other members kept", async () => {
    const rewritten = await tokenResponse!(answer(401, { error: 'grant_error', message: 'code expired' }));
    expect(rewritten.status).toBe(400);
    expect(await rewritten.json()).toEqual({ error: 'invalid_grant', message: 'code expired' });
  });

  it('another 401, and any other answer, are passed on as they came', async () => {
    const client = await tokenResponse!(answer(401, { error: 'invalid_client' }));
    expect(client.status).toBe(401);
    expect(await client.json()).toEqual({ error: 'invalid_client' });
    const ok = await tokenResponse!(answer(200, { access_token: 'a', token_type: 'bearer', scope: 'public' }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ access_token: 'a', token_type: 'bearer', scope: 'public' });
  });
});

describe('simkl profileClaims: POST /users/settings', () => {
  it('takes account.id, the username as name and preferred_username, and the avatar', () => {
    expect(profileClaims!({ user: { name: 'jane_doe', avatar: 'https://simkl.in/avatars/1/1_100.jpg', loc: 'Lisbon' }, account: { id: 12345, timezone: 'Europe/Lisbon', type: 'free' } })).toEqual({
      id: 12345,
      name: 'jane_doe',
      preferred_username: 'jane_doe',
      picture: 'https://simkl.in/avatars/1/1_100.jpg',
    });
  });

  it('leaves out an empty name and avatar', () => {
    expect(profileClaims!({ user: { name: ' ', avatar: '' }, account: { id: 7 } })).toEqual({ id: 7 });
    expect(profileClaims!({ account: { id: 8 } })).toEqual({ id: 8 });
  });

  it.each([[{ user: { name: 'x' } }], [{ account: { id: '12345' } }], [{ account: { id: 0 } }], [{ account: { id: 1.5 } }], [null], [[]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
