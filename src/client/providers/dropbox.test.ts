import { describe, expect, it } from 'vitest';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { dropbox } from './dropbox.js';

const revoke = dropbox.settings({}).hooks!.revoke!;

/** `null`: no API base URL. */
const request = (status: number, apiBaseUrl: string | null = 'https://api.dropboxapi.com', body?: unknown) =>
  revocationRequest(answer(status, body), { apiBaseUrl: apiBaseUrl ?? undefined, accessToken: 'sl.live' });

describe('dropbox revoke: POST /2/auth/token/revoke with the access token', () => {
  it('200 is revoked; the request has no body and so no content type', async () => {
    const { value, sent } = request(200);
    expect(await revoke(value)).toBe('revoked');
    expect(sent).toEqual([{ url: 'https://api.dropboxapi.com/2/auth/token/revoke', init: { method: 'POST', headers: { authorization: 'Bearer sl.live' } } }]);
  });

  it('401 (Dropbox no longer knows the live token it was given) is already_revoked', async () => {
    expect(await revoke(request(401).value)).toBe('already_revoked');
    expect(await revoke(request(401, undefined, { error_summary: 'invalid_access_token/', error: { '.tag': 'invalid_access_token' } }).value)).toBe('already_revoked');
  });

  it('401 expired_access_token (an expired token the refresh could not replace) says nothing of the grant: a refusal', async () => {
    const expired = request(401, undefined, { error_summary: 'expired_access_token/', error: { '.tag': 'expired_access_token' } });
    await expect(revoke(expired.value)).rejects.toMatchObject({ code: 'provider_error', message: expect.stringContaining('the access token had expired') });
  });

  it('other answers are refusals', async () => {
    await expect(revoke(request(503).value)).rejects.toMatchObject({ code: 'provider_error', message: 'Dropbox answered HTTP 503 to the token revocation.' });
    await expect(revoke(request(400).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
  });

  it('needs the API base URL', async () => {
    await expect(revoke(request(200, null).value)).rejects.toThrow('Dropbox revocation needs the API base URL');
  });
});
