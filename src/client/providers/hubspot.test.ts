import { describe, expect, it } from 'vitest';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { hubspot } from './hubspot.js';

const { revoke, profileClaims } = hubspot.settings({}).hooks!;

const request = (status: number, refreshToken: string | null = 'rt-1', revocationEndpoint: string | null = 'https://api.hubapi.com/oauth/2026-03/token/revoke') =>
  revocationRequest(answer(status), { clientId: 'client', clientSecret: 'se cret', revocationEndpoint: revocationEndpoint ?? undefined, accessToken: 'at-1', refreshToken });

describe('hubspot revoke: the refresh token, with the client’s credentials in the form body', () => {
  it('a 2xx is revoked; the access token is not sent', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toEqual([
      {
        url: 'https://api.hubapi.com/oauth/2026-03/token/revoke',
        init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'client_id=client&client_secret=se+cret&token=rt-1&token_type_hint=refresh_token' },
      },
    ]);
    expect(await revoke!(request(204).value)).toBe('revoked');
  });

  it('other answers are refusals; without a refresh token or the endpoint there is nothing to send', async () => {
    await expect(revoke!(request(400).value)).rejects.toMatchObject({ code: 'provider_bad_response', message: "HubSpot answered HTTP 400 to the refresh token's revocation." });
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error' });
    await expect(revoke!(request(200, null).value)).rejects.toMatchObject({ message: 'HubSpot revokes refresh tokens only, and this connection has none.' });
    await expect(revoke!(request(200, 'rt', null).value)).rejects.toThrow('HubSpot revocation needs the revocation endpoint');
  });
});

describe('hubspot profileClaims', () => {
  it('keeps the introspection answer but the token it describes', () => {
    expect(profileClaims!({ active: true, user_id: 1, user: 'a@b.test', hub_id: 2, token: 'at', signed_access_token: { signature: 's' } })).toEqual({ active: true, user_id: 1, user: 'a@b.test', hub_id: 2 });
    expect(profileClaims!(null)).toBeUndefined();
  });
});
