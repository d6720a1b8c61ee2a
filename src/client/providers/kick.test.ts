import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { kick } from './kick.js';

const settings = kick.settings({});
const { tokenResponse, profileClaims, revoke } = settings.hooks!;

async function rewritten(body: string, status: number): Promise<{ status: number; body: unknown }> {
  const response = await tokenResponse!(new Response(body, { status, headers: { 'content-type': 'application/json' } }));
  return { status: response.status, body: JSON.parse(await response.text()) };
}

describe("kick tokenResponse: Kick's documented 400 made RFC 6749 §5.2's", () => {
  it('a 400 "Invalid request" is invalid_grant, its words kept as kick_error', async () => {
    expect(await rewritten(JSON.stringify({ error: 'Invalid request' }), 400)).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid request', kick_error: 'Invalid request' },
    });
  });

  it('an RFC 6749 code, another status, and tokens are left as they came', async () => {
    expect(await rewritten(JSON.stringify({ error: 'invalid_client' }), 400)).toEqual({ status: 400, body: { error: 'invalid_client' } });
    expect(await rewritten(JSON.stringify({ error: 'Unauthorized' }), 401)).toEqual({ status: 401, body: { error: 'Unauthorized' } });
    const tokens = { access_token: 'a', token_type: 'Bearer', refresh_token: 'r', expires_in: 7200, scope: 'user:read' };
    expect(await rewritten(JSON.stringify(tokens), 200)).toEqual({ status: 200, body: tokens });
  });
});

describe('kick profileClaims: /public/v1/users', () => {
  it('takes the one user: user_id, name, e-mail and picture', () => {
    expect(profileClaims!({ data: [{ user_id: 123456, name: 'Scorfly', email: 'user@domain.tld', profile_picture: 'https://files.kick.com/images/user/123456/profile.webp' }], message: 'OK' })).toEqual({
      user_id: 123456,
      name: 'Scorfly',
      email: 'user@domain.tld',
      picture: 'https://files.kick.com/images/user/123456/profile.webp',
    });
  });

  it('leaves out empty members; no user, more than one, or an id that is not a whole number names no one', () => {
    expect(profileClaims!({ data: [{ user_id: 7, name: 'solo', email: '', profile_picture: null }] })).toEqual({ user_id: 7, name: 'solo' });
    expect(profileClaims!({ data: [] })).toBeUndefined();
    expect(profileClaims!({ data: [{ user_id: 1 }, { user_id: 2 }] })).toBeUndefined();
    expect(profileClaims!({ data: [{ user_id: '7' }] })).toBeUndefined();
    expect(profileClaims!({ message: 'Unauthorized' })).toBeUndefined();
  });
});

describe('kick revoke: each token at /oauth/revoke, in the query', () => {
  const endpoint = 'https://id.kick.com/oauth/revoke';
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status, status === 200 ? 'OK' : { error: 'Invalid request' }), { revocationEndpoint: endpoint, ...state });

  it('200 is revoked: the refresh token, then the access token, each with its token_hint_type, no body and no client', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent.map((s) => s.url)).toEqual([`${endpoint}?token=refresh&token_hint_type=refresh_token`, `${endpoint}?token=live&token_hint_type=access_token`]);
    expect(sent.every((s) => s.init?.method === 'POST' && s.init.body === undefined && Object.keys(s.init.headers ?? {}).length === 0)).toBe(true);
  });

  it('without a refresh token only the access token is revoked', async () => {
    const { value, sent } = request(200, { refreshToken: null });
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
  });

  it('a 400 for a token that was live, or after Kick refused the refresh token, is already revoked; otherwise a refusal; a 5xx is the provider failing', async () => {
    expect(await revoke!(request(400).value)).toBe('already_revoked');
    expect(await revoke!(request(400, { accessTokenExpired: true, refreshTokenRefused: true }).value)).toBe('already_revoked');
    await expect(revoke!(request(400, { accessTokenExpired: true }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error' });
  });
});
