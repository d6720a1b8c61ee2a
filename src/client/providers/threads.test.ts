import { describe, expect, it } from 'vitest';
import { threads } from './threads.js';

const settings = threads.settings({});
const { profileClaims, renewAccessToken } = settings.hooks!;

describe('threads preset', () => {
  it("keeps /me's Threads user id, username, name (else the username) and picture; an answer without a numeric id names no one", () => {
    expect(profileClaims!({ id: '1234567', username: 'threadsapitestuser', name: 'Threads API Test User', threads_profile_picture_url: 'https://cdn.example/p.jpg', threads_biography: 'bio' })).toEqual({
      id: '1234567',
      username: 'threadsapitestuser',
      name: 'Threads API Test User',
      picture: 'https://cdn.example/p.jpg',
    });
    expect(profileClaims!({ id: '1234567', username: 'handle.only', name: '' })).toEqual({ id: '1234567', username: 'handle.only', name: 'handle.only' });
    expect(profileClaims!({ username: 'no.id' })).toBeUndefined();
    expect(profileClaims!({ id: 1234567 })).toBeUndefined();
  });

  it('renews with the Threads grants at the unversioned graph.threads.com', async () => {
    const sent: string[] = [];
    const request = (stage: 'sign-in' | 'refresh') => ({
      stage,
      accessToken: 'THQV-live',
      clientId: '990602627938098',
      clientSecret: 's3cret',
      apiBaseUrl: settings.apiBaseUrl,
      send: async (url: string) => {
        sent.push(url);
        return new Response(JSON.stringify({ access_token: 'THQV-long', token_type: 'bearer', expires_in: 5_183_944 }), { headers: { 'content-type': 'application/json' } });
      },
    });
    expect(await renewAccessToken!(request('sign-in'))).toEqual({ access_token: 'THQV-long', token_type: 'bearer', expires_in: 5_183_944 });
    await renewAccessToken!(request('refresh'));
    expect(sent).toEqual([
      'https://graph.threads.com/access_token?grant_type=th_exchange_token&client_secret=s3cret&access_token=THQV-live',
      'https://graph.threads.com/refresh_access_token?grant_type=th_refresh_token&access_token=THQV-live',
    ]);
  });
});
