import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { mercadolibre } from './mercadolibre.js';

const settings = mercadolibre.settings({});
const { profileClaims, revoke } = settings.hooks!;

describe('mercadolibre settings', () => {
  it("authorizes on the country's own site (Argentina's by default), and every other endpoint is api.mercadolibre.com", () => {
    expect(settings.endpoints).toEqual({
      authorizationEndpoint: 'https://auth.mercadolibre.com.ar/authorization',
      tokenEndpoint: 'https://api.mercadolibre.com/oauth/token',
      userinfoEndpoint: 'https://api.mercadolibre.com/users/me',
    });
    const brazil = mercadolibre.settings({ domain: 'mercadolivre.com.br' });
    expect(brazil.endpoints?.authorizationEndpoint).toBe('https://auth.mercadolivre.com.br/authorization');
    expect(brazil.endpoints?.tokenEndpoint).toBe('https://api.mercadolibre.com/oauth/token');
    expect(settings).toMatchObject({ pkce: true, tokenEndpointAuthMethod: 'client_secret_post', scope: 'offline_access read write', subjectClaim: 'id' });
  });
});

describe('mercadolibre profileClaims: /users/me', () => {
  it('takes the numeric id, the first and last names as the name, the nickname as the preferred username, and the e-mail', () => {
    expect(profileClaims!({ id: 202593498, nickname: 'TETE2870021', first_name: 'Ana', last_name: 'Souza', email: 'ana@example.com', site_id: 'MLB' })).toEqual({
      id: 202593498,
      name: 'Ana Souza',
      preferred_username: 'TETE2870021',
      email: 'ana@example.com',
    });
  });

  it('leaves out empty names, nickname and e-mail', () => {
    expect(profileClaims!({ id: 7, first_name: ' ', last_name: 'Solo', nickname: '', email: null })).toEqual({ id: 7, name: 'Solo' });
  });

  it.each([[{ nickname: 'NO_ID' }], [{ id: '202593498' }], [{ id: 1.5 }], [{ id: 0 }], [null], [[{ id: 1 }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('mercadolibre revoke: the id of /users/me, then DELETE /users/{id}/applications/{client id}', () => {
  const api = 'https://api.mercadolibre.com/';
  /** `me` answers /users/me, `deletion` the DELETE. */
  const request = (me: () => Response, deletion: () => Response, state: Partial<RevocationRequest> = {}) =>
    revocationRequest((url) => (url.endsWith('/users/me') ? me() : deletion()), { apiBaseUrl: api, clientId: '4934588586838432', ...state });

  it("a 2xx is revoked; both requests carry the access token as Bearer, the DELETE naming the person's id and the app", async () => {
    const { value, sent } = request(answer(200, { id: 202593498, nickname: 'ANA' }), answer(200, {}));
    expect(await revoke!(value)).toBe('revoked');
    expect(sent.map(({ url, init }) => [init.method, url])).toEqual([
      ['GET', 'https://api.mercadolibre.com/users/me'],
      ['DELETE', 'https://api.mercadolibre.com/users/202593498/applications/4934588586838432'],
    ]);
    for (const { init } of sent) expect(init.headers.authorization).toBe('Bearer live');
  });

  it('a 401 for a live token, or once the refresh token was refused, is already revoked, at either request', async () => {
    expect(await revoke!(request(answer(401), answer(200)).value)).toBe('already_revoked');
    expect(await revoke!(request(answer(401), answer(200), { accessTokenExpired: true, refreshTokenRefused: true }).value)).toBe('already_revoked');
    const atDelete = request(answer(200, { id: 5 }), answer(401));
    expect(await revoke!(atDelete.value)).toBe('already_revoked');
    expect(atDelete.sent).toHaveLength(2);
  });

  it('a 401 for an expired token proves nothing; no id, and other answers, fail', async () => {
    await expect(revoke!(request(answer(401), answer(200), { accessTokenExpired: true }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(answer(200, { nickname: 'NO_ID' }), answer(200)).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(answer(503), answer(200)).value)).rejects.toMatchObject({ code: 'provider_error' });
    await expect(revoke!(request(answer(200, { id: 5 }), answer(403)).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(answer(200, { id: 5 }), answer(500)).value)).rejects.toMatchObject({ code: 'provider_error' });
  });
});
