import { describe, expect, it } from 'vitest';
import { shikimori } from './shikimori.js';

describe('shikimori tokenRequest: the application named in the User-Agent of every token request', () => {
  const form = () => new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r1', client_id: 'c', client_secret: 's' });

  it('replaces the User-Agent, however spelt, with the configured one, keeping the form and the other headers', () => {
    const { tokenRequest } = shikimori.settings({ userAgent: 'Anime Tracker Sync' }).hooks!;
    const sent = tokenRequest!({ body: form(), headers: { 'User-Agent': 'Tokenkeeper', accept: 'application/json' } });
    expect(sent.headers).toEqual({ accept: 'application/json', 'user-agent': 'Anime Tracker Sync' });
    expect(sent.body).toBe(form().toString());
  });

  it('without a configured one, names Tokenkeeper and the client id (an id with other characters is not sent)', () => {
    expect(shikimori.settings({}, { clientId: 'abc_123' }).hooks!.tokenRequest!({ body: form(), headers: {} }).headers['user-agent']).toBe('Tokenkeeper (Shikimori OAuth application abc_123)');
    expect(shikimori.settings({}, { clientId: 'a b\r\n' }).apiHeaders).toEqual({ 'user-agent': 'Tokenkeeper (Shikimori OAuth application unnamed)' });
  });
});

describe('shikimori profileClaims: /users/whoami', () => {
  const { profileClaims } = shikimori.settings({}).hooks!;

  it('takes the id, the nickname as name and preferred_username, the avatar, the profile page and an e-mail when there is one', () => {
    expect(profileClaims!({ id: 1, nickname: 'morr', avatar: 'https://shikimori.one/x48/1.png', url: 'https://shikimori.one/morr', name: null, locale: 'ru', email: 'morr@example.com' })).toEqual({
      id: 1,
      name: 'morr',
      preferred_username: 'morr',
      picture: 'https://shikimori.one/x48/1.png',
      profile: 'https://shikimori.one/morr',
      email: 'morr@example.com',
    });
    expect(profileClaims!({ id: 2, nickname: ' ', avatar: '', email: '' })).toEqual({ id: 2 });
  });

  it.each([[{ nickname: 'x' }], [{ id: '1' }], [{ id: 0 }], [{ id: 2.5 }], [null], [[{ id: 1 }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
