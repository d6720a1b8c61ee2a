import { describe, expect, it } from 'vitest';
import { canva } from './canva.js';
import { profileReader } from '../../../test/support/profile-reader.js';

const { tokenResponse, profileClaims, readMoreClaims } = canva.settings({}).hooks!;

describe("canva tokenResponse: the Connect APIs' { code, message } refusals as RFC 6749's", () => {
  const answer = (status: number, body: string) => new Response(body, { status, headers: { 'content-type': 'application/json' } });
  const rewritten = async (status: number, body: unknown) => {
    const response = await tokenResponse!(answer(status, JSON.stringify(body)));
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('a refused code or refresh token is invalid_grant (400), with its message', async () => {
    expect(await rewritten(400, { code: 'invalid_grant', message: 'Refresh token is invalid' })).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Refresh token is invalid' },
    });
    expect(await rewritten(401, { code: 'invalid_grant', message: '' })).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Canva answered invalid_grant' } });
  });

  it('a client it does not know is invalid_client (401)', async () => {
    expect(await rewritten(400, { code: 'invalid_client', message: 'Client authentication failed' })).toEqual({
      status: 401,
      body: { error: 'invalid_client', error_description: 'Client authentication failed' },
    });
  });

  it('leaves alone a success, an RFC 6749 refusal, a 5xx, a code RFC 6749 does not name, and a body that is not JSON', async () => {
    const cases: Array<[number, string]> = [
      [200, JSON.stringify({ access_token: 'a', token_type: 'Bearer', expires_in: 14400, code: 'invalid_grant' })],
      [400, JSON.stringify({ error: 'invalid_grant', code: 'invalid_grant' })],
      [503, JSON.stringify({ code: 'internal_error', message: 'Try again' })],
      [429, JSON.stringify({ code: 'too_many_requests', message: 'Slow down' })],
      [400, '<h1>Bad Request</h1>'],
    ];
    for (const [status, body] of cases) {
      const response = await tokenResponse!(answer(status, body));
      expect(response.status).toBe(status);
      expect(await response.text()).toBe(body);
    }
  });
});

describe('canva profileClaims: team_user of /v1/users/me', () => {
  it('takes the user id and the team id', () => {
    expect(profileClaims!({ team_user: { user_id: 'auDAbliZ2rQNNOsUl5OLu', team_id: 'Oi2RJILTrKk0KRhRUZozX' } })).toEqual({ user_id: 'auDAbliZ2rQNNOsUl5OLu', team_id: 'Oi2RJILTrKk0KRhRUZozX' });
    expect(profileClaims!({ team_user: { user_id: 'auDAbliZ2rQNNOsUl5OLu', team_id: '' } })).toEqual({ user_id: 'auDAbliZ2rQNNOsUl5OLu' });
  });

  it.each([[{ user_id: 'u1' }], [{ team_user: { team_id: 't1' } }], [{ team_user: { user_id: 7 } }], [{ team_user: { user_id: '' } }], [null], [[{ team_user: { user_id: 'u1' } }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('canva readMoreClaims: the display name of /v1/users/me/profile', () => {
  const reader = (body: unknown, apiBaseUrl: string | null = 'https://api.canva.com/rest/') =>
    profileReader(() => body, { userinfoEndpoint: 'https://api.canva.com/rest/v1/users/me', apiBaseUrl: apiBaseUrl ?? undefined });

  it('reads profile.display_name under the API base', async () => {
    const { value, asked } = reader({ profile: { display_name: ' Jane Doe ' } });
    expect(await readMoreClaims!(value)).toEqual({ display_name: 'Jane Doe' });
    expect(asked).toEqual(['https://api.canva.com/rest/v1/users/me/profile']);
  });

  it('nothing without profile:read (undefined: Canva answered 403), an empty name, or an API base', async () => {
    expect(await readMoreClaims!(reader(undefined).value)).toEqual({});
    expect(await readMoreClaims!(reader({ profile: { display_name: '  ' } }).value)).toEqual({});
    expect(await readMoreClaims!(reader({ display_name: 'Jane' }).value)).toEqual({});
    const none = reader({ profile: { display_name: 'Jane' } }, null);
    expect(await readMoreClaims!(none.value)).toEqual({});
    expect(none.asked).toEqual([]);
  });
});
