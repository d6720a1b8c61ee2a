import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { zettle } from './zettle.js';

const settings = zettle.settings({});
const { profileClaims, revoke } = settings.hooks!;

describe('zettle profileClaims: /users/self', () => {
  it('takes the user uuid and the organization uuid', () => {
    expect(profileClaims!({ uuid: 'de305d54-75b4-431b-adb2-eb6b9e546014', organizationUuid: 'ab305d54-75b4-431b-adb2-eb6b9e546013' })).toEqual({
      uuid: 'de305d54-75b4-431b-adb2-eb6b9e546014',
      organizationUuid: 'ab305d54-75b4-431b-adb2-eb6b9e546013',
    });
  });

  it('leaves out an empty organization uuid', () => {
    expect(profileClaims!({ uuid: 'de305d54-75b4-431b-adb2-eb6b9e546014', organizationUuid: ' ' })).toEqual({ uuid: 'de305d54-75b4-431b-adb2-eb6b9e546014' });
  });

  it.each([[{ organizationUuid: 'ab305d54' }], [{ uuid: '' }], [{ uuid: 42 }], [null], [[{ uuid: 'x' }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('zettle revoke: DELETE /application-connections/self', () => {
  const endpoint = 'https://oauth.zettle.com/application-connections/self';
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status), { revocationEndpoint: endpoint, ...state });

  it('204 is revoked; the access token goes as Bearer to the configured endpoint, with no body', async () => {
    const { value, sent } = request(204);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(endpoint);
    expect(sent[0]!.init.method).toBe('DELETE');
    expect(sent[0]!.init.headers.authorization).toBe('Bearer live');
    expect(sent[0]!.init.body).toBeUndefined();
  });

  it('its answer is read by revokeWithBearer: a 401 to a live token is already revoked, a 503 a fault of Zettle', async () => {
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error', message: 'Zettle answered HTTP 503 to the application disconnection.' });
  });

  it('without an endpoint it does not guess one', async () => {
    await expect(revoke!(request(204, { revocationEndpoint: undefined }).value)).rejects.toThrow('application connection endpoint');
  });
});
