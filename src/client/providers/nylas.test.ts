import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { nylas } from './nylas.js';

const { profileClaims, revoke } = nylas.settings({}).hooks!;

describe('nylas profileClaims: the grant under `data` of /v3/grants/me', () => {
  it('takes the grant from data', () => {
    const grant = { id: 'e19f8e1a-eb1c-41c0-b6a6-d2e59daf7f47', email: 'ada@example.com', name: 'Ada', provider: 'google', grant_status: 'valid', scope: ['https://www.googleapis.com/auth/calendar'] };
    expect(profileClaims!({ request_id: 'r', data: grant })).toEqual(grant);
  });

  it.each([[{ id: 'e19f8e1a' }], [{ data: { email: 'ada@example.com' } }], [{ data: { id: '' } }], [{ data: [] }], [null], ['text']])('finds no grant in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('nylas revoke: the access token at /v3/connect/revoke, the API key as Bearer', () => {
  const request = (status: number, state: Partial<RevocationRequest> = {}) =>
    revocationRequest(answer(status), { revocationEndpoint: 'https://api.us.nylas.com/v3/connect/revoke', clientSecret: 'nyk_key', accessToken: 'at live', ...state });

  it('200 is revoked; the access token goes in the query, the API key as Bearer, no body', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://api.us.nylas.com/v3/connect/revoke?token=at+live');
    expect(sent[0]!.init).toEqual({ method: 'POST', headers: { authorization: 'Bearer nyk_key', accept: 'application/json' } });
  });

  it("Nylas' 400 for a token that was live, or after it refused the refresh token, is already revoked; otherwise a refusal", async () => {
    expect(await revoke!(request(400).value)).toBe('already_revoked');
    expect(await revoke!(request(400, { accessTokenExpired: true, refreshTokenRefused: true }).value)).toBe('already_revoked');
    await expect(revoke!(request(400, { accessTokenExpired: true }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(401).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error' });
  });
});
