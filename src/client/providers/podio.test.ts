import { describe, expect, it } from 'vitest';
import { podio } from './podio.js';

const settings = podio.settings({});
const { tokenRequest, profileClaims } = settings.hooks!;

describe('podio tokenRequest: the JSON body of /oauth/token/v2', () => {
  it('sends the code exchange as JSON with the client in it, and no form content type', () => {
    const form = new URLSearchParams({ grant_type: 'authorization_code', code: 'a1b2c3', redirect_uri: 'https://app.example.com/cb', client_id: 'tokenkeeper', client_secret: 's3cret' });
    const sent = tokenRequest!({ body: form, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' } });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'authorization_code', code: 'a1b2c3', redirect_uri: 'https://app.example.com/cb', client_id: 'tokenkeeper', client_secret: 's3cret' });
    expect(sent.headers).toEqual({ accept: 'application/json', 'content-type': 'application/json' });
  });

  it('sends a refresh the same way', () => {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r1', client_id: 'tokenkeeper', client_secret: 's3cret' });
    expect(JSON.parse(tokenRequest!({ body: form, headers: {} }).body)).toEqual({ grant_type: 'refresh_token', refresh_token: 'r1', client_id: 'tokenkeeper', client_secret: 's3cret' });
  });
});

describe('podio profileClaims: /user/status', () => {
  it("takes user.user_id, the profile's name and the user's primary mail", () => {
    const status = { user: { user_id: 1_234_567, mail: 'ada@example.com', status: 'active', locale: 'en_GB' }, profile: { profile_id: 7_654_321, name: 'Ada Lovelace', mail: ['ada@example.com', 'ada@work.example'] }, inbox_new: 3 };
    expect(profileClaims!(status)).toEqual({ user_id: 1_234_567, name: 'Ada Lovelace', email: 'ada@example.com' });
  });

  it('leaves out an empty name and mail', () => {
    expect(profileClaims!({ user: { user_id: 7, mail: '' }, profile: { name: ' ' } })).toEqual({ user_id: 7 });
    expect(profileClaims!({ user: { user_id: 7 } })).toEqual({ user_id: 7 });
  });

  it.each([[{ user: { user_id: '7' } }], [{ user: { user_id: 1.5 } }], [{ profile: { profile_id: 7, name: 'No User' } }], [{ user_id: 7 }], [null], [[{ user: { user_id: 7 } }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
