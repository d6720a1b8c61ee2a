import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { osu } from './osu.js';

const settings = osu.settings({});
const { profileClaims, revoke } = settings.hooks!;

describe('osu profileClaims: /me', () => {
  it('keeps the numeric id, the username as the name, the country, the avatar and whether the person is restricted, and nothing else', () => {
    const me = {
      id: 7562902,
      username: 'mrekk',
      country_code: 'AU',
      avatar_url: 'https://a.ppy.sh/7562902?1666.jpeg',
      is_restricted: false,
      is_supporter: true,
      statistics: { pp: 25000 },
      page: { html: '<p>hi</p>' },
    };
    expect(profileClaims!(me)).toEqual({
      id: 7562902,
      name: 'mrekk',
      preferred_username: 'mrekk',
      country_code: 'AU',
      picture: 'https://a.ppy.sh/7562902?1666.jpeg',
      is_restricted: false,
    });
  });

  it('leaves out what is empty or not of its type', () => {
    expect(profileClaims!({ id: 2, username: ' ', country_code: '', is_restricted: 'no' })).toEqual({ id: 2 });
  });

  it.each([[{ username: 'peppy' }], [{ id: '2' }], [{ id: 2.5 }], [{ id: -1 }], [null], [[{ id: 2 }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('osu revoke: DELETE /oauth/tokens/current', () => {
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status), { apiBaseUrl: 'https://osu.ppy.sh/api/v2/', ...state });

  it('204 is revoked; the access token goes as Bearer to the API base', async () => {
    const { value, sent } = request(204);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://osu.ppy.sh/api/v2/oauth/tokens/current');
    expect(sent[0]!.init.method).toBe('DELETE');
    expect(sent[0]!.init.headers.authorization).toBe('Bearer live');
  });

  it('its answer is read by revokeWithBearer: a 401 to a live token is already revoked, a 503 a fault of osu!', async () => {
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error', message: 'osu! answered HTTP 503 to the token revocation.' });
  });
});
