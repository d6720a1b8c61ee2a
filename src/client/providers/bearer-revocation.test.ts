import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { revokeWithBearer } from './bearer-revocation.js';

/** What the presets that revoke by one call with the person's access token share; each preset's own test keeps its URL and method. */
describe('revokeWithBearer', () => {
  const said = { provider: 'Acme', what: 'the app removal' };
  const revoke = (status: number, state: Partial<RevocationRequest> = {}, body?: unknown) => {
    const { value, sent } = revocationRequest(answer(status, body), state);
    return { outcome: revokeWithBearer(value, 'https://api.acme.test/v1/access', { method: 'DELETE', headers: { accept: 'application/json' } }, said), sent };
  };

  it('sends one request to the URL with the method given, the headers given and the access token as Bearer, no body', async () => {
    const { outcome, sent } = revoke(204);
    await outcome;
    expect(sent).toEqual([{ url: 'https://api.acme.test/v1/access', init: { method: 'DELETE', headers: { accept: 'application/json', authorization: 'Bearer live' } } }]);
  });

  it('the access token is the Bearer even where the headers given name another authorization', async () => {
    const { value, sent } = revocationRequest(answer(204));
    await revokeWithBearer(value, 'https://api.acme.test/v1/access', { method: 'POST', headers: { authorization: 'Basic Yzpz' } }, said);
    expect(sent[0]!.init.headers).toEqual({ authorization: 'Bearer live' });
  });

  it.each([200, 202, 204])('%i is revoked, whatever the body says', async (status) => {
    expect(await revoke(status, {}, status === 204 ? undefined : { error: 'ignored' }).outcome).toBe('revoked');
  });

  it('a 401 to a live access token, or to one whose refresh the provider refused, is already revoked', async () => {
    expect(await revoke(401).outcome).toBe('already_revoked');
    expect(await revoke(401, { accessTokenExpired: true, refreshTokenRefused: true }).outcome).toBe('already_revoked');
  });

  it('a 401 to an expired access token proves nothing about the grant: a refusal, named', async () => {
    await expect(revoke(401, { accessTokenExpired: true }).outcome).rejects.toMatchObject({ code: 'provider_bad_response', message: 'Acme answered HTTP 401 to the app removal.' });
  });

  it.each([
    [302, 'provider_bad_response'],
    [400, 'provider_bad_response'],
    [403, 'provider_bad_response'],
    [404, 'provider_bad_response'],
    [500, 'provider_error'],
    [502, 'provider_error'],
    [503, 'provider_error'],
  ])('%i fails as %s, saying who answered what', async (status, code) => {
    await expect(revoke(status).outcome).rejects.toMatchObject({ code, message: `Acme answered HTTP ${status} to the app removal.` });
  });
});
