import { describe, expect, it } from 'vitest';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { zoom } from './zoom.js';

const { revoke, profileClaims } = zoom.settings({}).hooks!;

/** `null`: no revocation endpoint. */
const request = (status: number, body: unknown, revocationEndpoint: string | null = 'https://zoom.us/oauth/revoke') =>
  revocationRequest(answer(status, body), { clientId: 'Zm_id', clientSecret: 's-1', accessToken: 'at.live', revocationEndpoint: revocationEndpoint ?? undefined });

describe('zoom revoke: the access token to /oauth/revoke, with plain Basic credentials', () => {
  it('200 {"status": "success"} is revoked; the refresh token is not sent', async () => {
    const { value, sent } = request(200, { status: 'success' });
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toEqual([
      {
        url: 'https://zoom.us/oauth/revoke',
        init: { method: 'POST', headers: { authorization: `Basic ${Buffer.from('Zm_id:s-1').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=at.live' },
      },
    ]);
  });

  it('anything else is a refusal naming Zoom’s reason, or the status', async () => {
    await expect(revoke!(request(400, { reason: 'Invalid Token!', error: 'invalid_request' }).value)).rejects.toMatchObject({ code: 'provider_bad_response', message: 'Zoom refused the token revocation (Invalid Token!).' });
    await expect(revoke!(request(200, { status: 'failed' }).value)).rejects.toMatchObject({ code: 'provider_bad_response', message: 'Zoom refused the token revocation (HTTP 200).' });
    await expect(revoke!(request(502, '<html>').value)).rejects.toMatchObject({ code: 'provider_error', message: 'Zoom refused the token revocation (HTTP 502).' });
  });

  it('needs the revocation endpoint', async () => {
    await expect(revoke!(request(200, { status: 'success' }, null).value)).rejects.toThrow('Zoom revocation needs the revocation endpoint');
  });
});

describe('zoom profileClaims', () => {
  it('the display name, else first and last name; verified 1/0 as email_verified, only with an e-mail', () => {
    expect(profileClaims!({ id: 'u', display_name: ' Jill ', first_name: 'J', last_name: 'C', email: 'j@z.test', verified: 1 })).toMatchObject({ name: 'Jill', email_verified: true });
    expect(profileClaims!({ id: 'u', display_name: '', first_name: 'Ada', last_name: 'Byron', email: 'a@z.test', verified: 0 })).toMatchObject({ name: 'Ada Byron', email_verified: false });
    expect(profileClaims!({ id: 'u', verified: 1 })).not.toHaveProperty('email_verified');
    expect(profileClaims!({ id: 'u', email: 'x@z.test', verified: true })).not.toHaveProperty('email_verified');
    expect(profileClaims!([])).toBeUndefined();
  });
});
