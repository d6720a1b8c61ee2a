import { describe, expect, it } from 'vitest';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import type { RevocationRequest } from '../provider-hooks.js';
import { dailymotion } from './dailymotion.js';

const settings = dailymotion.settings({});
const { profileClaims, revoke } = settings.hooks!;

describe('dailymotion profileClaims: /auth', () => {
  it('takes the id, the screen name as the name and the username as the preferred username', () => {
    expect(profileClaims!({ id: 'x1fz4ii', scope: ['manage_videos', 'userinfo'], roles: [], username: 'DailymotionAPI', screenname: 'Dailymotion API' })).toEqual({
      id: 'x1fz4ii',
      name: 'Dailymotion API',
      preferred_username: 'DailymotionAPI',
    });
  });

  it('names the person by the username without a screen name, and leaves out empty ones', () => {
    expect(profileClaims!({ id: 'x2', username: 'solo', screenname: ' ' })).toEqual({ id: 'x2', name: 'solo', preferred_username: 'solo' });
    expect(profileClaims!({ id: 'x3', username: '' })).toEqual({ id: 'x3' });
  });

  it.each([[{ username: 'nobody' }], [{ id: 42 }], [{ id: ' ' }], [null], [[]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('dailymotion token answers', () => {
  it('reads an answer without token_type as Bearer (omitsTokenType), with no hook of its own', () => {
    expect(settings.omitsTokenType).toBe(true);
    expect(settings.hooks?.tokenResponse).toBeUndefined();
  });
});

describe('dailymotion revoke: GET /logout', () => {
  const request = (status: number, state: Partial<RevocationRequest> = {}) =>
    revocationRequest(answer(status, status === 200 ? {} : { error: { code: status, message: 'Invalid access token', type: 'invalid_token' } }), { apiBaseUrl: 'https://api.dailymotion.com/', ...state });

  it('200 is revoked; the access token goes as Bearer to /logout', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://api.dailymotion.com/logout');
    expect(sent[0]!.init.method).toBe('GET');
    expect(sent[0]!.init.headers.authorization).toBe('Bearer live');
  });

  it('a live token refused (401) was revoked already; an expired one refused, or another answer, fails', async () => {
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    await expect(revoke!(request(401, { accessTokenExpired: true }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error' });
  });
});
