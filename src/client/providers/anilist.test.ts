import { describe, expect, it } from 'vitest';
import { anilist } from './anilist.js';

const settings = anilist.settings({});
const { tokenRequest, profileClaims, tokenRejected } = settings.hooks!;

describe('anilist tokenRequest: the JSON body AniList documents', () => {
  it('sends the form as JSON with the client in it, and no form content type', () => {
    const form = new URLSearchParams({ grant_type: 'authorization_code', code: 'def50200', redirect_uri: 'https://app.example.com/cb', client_id: '12345', client_secret: 's3cret' });
    const sent = tokenRequest!({ body: form, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' } });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'authorization_code', code: 'def50200', redirect_uri: 'https://app.example.com/cb', client_id: '12345', client_secret: 's3cret' });
    expect(sent.headers).toEqual({ accept: 'application/json', 'content-type': 'application/json' });
  });
});

describe('anilist profileClaims: { data: { Viewer } }', () => {
  it('keeps the id, the name, the profile page and the larger avatar', () => {
    const answer = { data: { Viewer: { id: 5_123_456, name: 'Kuroneko', siteUrl: 'https://anilist.co/user/5123456', avatar: { large: 'https://s4.anilist.co/l.png', medium: 'https://s4.anilist.co/m.png' } } } };
    expect(profileClaims!(answer)).toEqual({ id: 5_123_456, name: 'Kuroneko', preferred_username: 'Kuroneko', profile: 'https://anilist.co/user/5123456', picture: 'https://s4.anilist.co/l.png' });
  });

  it('leaves out what is empty; errors, data null or an id that is not a whole number name no one', () => {
    expect(profileClaims!({ data: { Viewer: { id: 7, name: ' ', avatar: { medium: 'https://s4.anilist.co/m.png' } } } })).toEqual({ id: 7, picture: 'https://s4.anilist.co/m.png' });
    expect(profileClaims!({ data: null, errors: [{ message: 'Invalid token', status: 400 }] })).toBeUndefined();
    expect(profileClaims!({ data: { Viewer: null } })).toBeUndefined();
    expect(profileClaims!({ data: { Viewer: { id: '7' } } })).toBeUndefined();
    expect(profileClaims!({ id: 7 })).toBeUndefined();
  });
});

describe('anilist tokenRejected: a 400 "Invalid token"', () => {
  const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('is the token refused', async () => {
    expect(await tokenRejected!(answer(400, { errors: [{ message: 'Invalid token', status: 400, locations: [{ line: 2, column: 3 }] }], data: { Viewer: null } }))).toBe(true);
  });

  it('a query error, a validation error or another status is the caller’s', async () => {
    expect(await tokenRejected!(answer(400, { data: null, errors: [{ message: 'Cannot query field "x" on type "MediaList".', status: 400 }] }))).toBe(false);
    expect(await tokenRejected!(answer(400, { data: null, errors: [{ message: 'validation', status: 400, validation: { score: ['The score may not be greater than 100.'] } }] }))).toBe(false);
    expect(await tokenRejected!(answer(404, { errors: [{ message: 'Invalid token', status: 404 }] }))).toBe(false);
    expect(await tokenRejected!(new Response('Bad Request', { status: 400 }))).toBe(false);
  });
});
