import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { osf } from './osf.js';

const settings = osf.settings({});
const { profileClaims, revoke } = settings.hooks!;

describe('osf profileClaims: the users entity of /v2/users/me/', () => {
  it('takes the GUID, the full, given and family names, and the profile page and image', () => {
    const body = {
      data: {
        id: 'q7fts',
        type: 'users',
        attributes: { family_name: 'Rollins', suffix: '', locale: 'en_US', date_registered: '2014-06-15T17:39:06.701000', middle_names: '', given_name: 'Casey', full_name: 'Casey Rollins', active: true, timezone: 'America/New_York' },
        links: { self: 'https://api.osf.io/v2/users/q7fts/', html: 'https://osf.io/q7fts/', profile_image: 'https://secure.gravatar.com/avatar/e9d9?d=identicon' },
      },
    };
    expect(profileClaims!(body)).toEqual({
      id: 'q7fts',
      name: 'Casey Rollins',
      given_name: 'Casey',
      family_name: 'Rollins',
      profile: 'https://osf.io/q7fts/',
      picture: 'https://secure.gravatar.com/avatar/e9d9?d=identicon',
    });
  });

  it('leaves out blank names and missing links', () => {
    expect(profileClaims!({ data: { id: 'abc12', type: 'users', attributes: { full_name: 'Solo', given_name: ' ', family_name: '' } } })).toEqual({ id: 'abc12', name: 'Solo' });
  });

  it.each([[{ data: { type: 'users' } }], [{ data: { id: 'abc12', type: 'nodes' } }], [{ data: { id: 12345, type: 'users' } }], [{ id: 'abc12', type: 'users' }], [null], [{ errors: [{ detail: 'x' }] }]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('osf revoke: the token alone at /oauth2/revoke, never the client', () => {
  const endpoint = 'https://accounts.osf.io/oauth2/revoke';
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status), { revocationEndpoint: endpoint, ...state });

  it('204 is revoked; the refresh token goes alone in a form, no client and no Authorization', async () => {
    const { value, sent } = request(204);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(endpoint);
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(sent[0]!.init.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(sent[0]!.init.body))).toEqual({ token: 'refresh' });
  });

  it('without a refresh token (an online grant), the access token goes alone', async () => {
    const { value, sent } = request(204, { refreshToken: null });
    expect(await revoke!(value)).toBe('revoked');
    expect(Object.fromEntries(new URLSearchParams(sent[0]!.init.body))).toEqual({ token: 'live' });
  });

  it('400 to a refresh token OSF refused, or to an expired access token alone, is already revoked', async () => {
    expect(await revoke!(request(400, { refreshTokenRefused: true, accessTokenExpired: true }).value)).toBe('already_revoked');
    expect(await revoke!(request(400, { refreshToken: null, accessTokenExpired: true }).value)).toBe('already_revoked');
  });

  it('400 to a token that should be live, or any other answer, fails; without an endpoint nothing is sent', async () => {
    await expect(revoke!(request(400).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error' });
    const noEndpoint = request(204, { revocationEndpoint: undefined });
    await expect(revoke!(noEndpoint.value)).rejects.toThrow('needs the revocation endpoint');
    expect(noEndpoint.sent).toEqual([]);
  });
});
