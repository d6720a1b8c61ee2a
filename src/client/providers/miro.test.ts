import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { miro } from './miro.js';

const { profileClaims, revoke } = miro.settings({}).hooks!;

describe('miro profileClaims: the user of the token context', () => {
  it('takes user.id and user.name, keeping the team, organization and scopes', () => {
    const context = {
      type: 'oauth',
      scopes: ['boards:read', 'identity:read'],
      team: { type: 'team', name: 'Design', id: '3074457358607431473' },
      organization: { type: 'organization', name: 'Acme', id: '3458764512345678901' },
      user: { type: 'user', name: 'Ada Lovelace', id: '3458764598765432109' },
      createdBy: { type: 'user', name: 'Ada Lovelace', id: '3458764598765432109' },
    };
    expect(profileClaims!(context)).toEqual({ id: '3458764598765432109', name: 'Ada Lovelace', team: context.team, organization: context.organization, scopes: context.scopes });
    expect(profileClaims!({ user: { id: 42, name: 'N' } })).toMatchObject({ id: '42' });
  });

  it.each([[{ status: 401, code: 'tokenNotProvided', type: 'error' }], [{ user: null }], [{ user: { name: 'no id' } }], [null], [[]]])('finds no profile in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('miro revoke: the access token and the client in a JSON body', () => {
  const request = (status: number, state: Partial<RevocationRequest> = {}) =>
    revocationRequest(answer(status), { clientId: '3458764600000000001', clientSecret: 'secret', revocationEndpoint: 'https://api.miro.com/v2/oauth/revoke', ...state });

  it('a 2xx is revoked; the body is Miro’s camel-cased JSON, the token as Bearer too', async () => {
    const { value, sent } = request(204);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent[0]!.url).toBe('https://api.miro.com/v2/oauth/revoke');
    expect(sent[0]!.init.headers).toEqual({ 'content-type': 'application/json', authorization: 'Bearer live' });
    expect(JSON.parse(sent[0]!.init.body!)).toEqual({ accessToken: 'live', clientId: '3458764600000000001', clientSecret: 'secret' });
    expect(await revoke!(request(200).value)).toBe('revoked');
  });

  it('400 or 401 for a live token (or one whose refresh Miro refused) is already revoked; for an expired one, a refusal', async () => {
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    expect(await revoke!(request(400, { accessTokenExpired: true, refreshTokenRefused: true }).value)).toBe('already_revoked');
    await expect(revoke!(request(401, { accessTokenExpired: true }).value)).rejects.toMatchObject({ code: 'provider_bad_response', message: 'Miro refused the token revocation (HTTP 401).' });
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error' });
    await expect(revoke!(request(204, { revocationEndpoint: undefined }).value)).rejects.toThrow('Miro revocation needs the revocation endpoint');
  });
});
