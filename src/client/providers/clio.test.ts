import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { clio } from './clio.js';

const settings = clio.settings({});
const { profileClaims, revoke } = settings.hooks!;

describe('clio profileClaims: the data of /users/who_am_i.json', () => {
  it('takes the numeric id as text, the name and the e-mail', () => {
    expect(profileClaims!({ data: { id: 344123, etag: '"3e1a8c"', name: 'Ada Lovelace', email: 'ada@example.com' } })).toEqual({ id: '344123', name: 'Ada Lovelace', email: 'ada@example.com' });
  });

  it('leaves out an empty name or e-mail (the id and etag alone when no fields are named)', () => {
    expect(profileClaims!({ data: { id: 7, etag: '"a"', name: ' ', email: '' } })).toEqual({ id: '7' });
  });

  it.each([[{ id: 344123, name: 'Not In Data' }], [{ data: { id: '344123' } }], [{ data: { id: 0 } }], [{ data: { id: 1.5 } }], [{ data: null }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('clio revoke: POST /oauth/deauthorize', () => {
  const endpoint = 'https://app.clio.com/oauth/deauthorize';
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status), { revocationEndpoint: endpoint, ...state });

  it('200 is revoked; the access token goes as Bearer in a POST to the configured endpoint', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(endpoint);
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.headers.authorization).toBe('Bearer live');
  });

  it('its answer is read by revokeWithBearer: a 401 to a live token is already revoked, a 503 a fault of Clio', async () => {
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error', message: 'Clio answered HTTP 503 to the deauthorization.' });
  });

  it('without an endpoint it does not guess one', async () => {
    await expect(revoke!(request(200, { revocationEndpoint: undefined }).value)).rejects.toThrow('deauthorization endpoint');
  });
});

describe('clio settings', () => {
  it('asks no scope, sends redirect_on_decline, the client in the form, and no PKCE', () => {
    expect(settings).toMatchObject({ scope: '', authorizationParams: { redirect_on_decline: 'true' }, tokenEndpointAuthMethod: 'client_secret_post', pkce: false, subjectClaim: 'id' });
  });
});
