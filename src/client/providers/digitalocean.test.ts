import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { digitalocean } from './digitalocean.js';
import { profileReader } from '../../../test/support/profile-reader.js';

const { tokenResponseProfile, readMoreClaims, revoke } = digitalocean.settings({}).hooks!;

describe("digitalocean tokenResponseProfile: the token answer's info", () => {
  const tokens = { access_token: 'doo_v1_a', token_type: 'bearer', expires_in: 2592000, refresh_token: 'dor_v1_r', scope: 'read' };

  it('takes the uuid, name and e-mail, and nothing of the tokens', () => {
    const info = { name: 'Sammy the Shark', email: 'sammy@example.com', uuid: 'e028b1b918853eca7fba208a9d7e9d29a6e93c57' };
    expect(tokenResponseProfile!({ ...tokens, info })).toEqual(info);
    expect(tokenResponseProfile!({ ...tokens, info: { uuid: 'u1', name: '', email: null } })).toEqual({ uuid: 'u1' });
  });

  it.each([[{}], [{ info: null }], [{ info: { email: 'a@b.c' } }], [{ info: { uuid: '' } }], [{ info: { uuid: 42 } }], [{ info: ['u'] }]])('finds no one in %j', (extra) => {
    expect(tokenResponseProfile!({ ...tokens, ...extra })).toBeUndefined();
  });
});

describe('digitalocean readMoreClaims: /v2/account', () => {
  const reader = (body: unknown, apiBaseUrl: string | null = 'https://api.digitalocean.com/') => profileReader(() => body, { apiBaseUrl: apiBaseUrl ?? undefined });

  it('keeps email_verified, the team and the status', async () => {
    const account = { droplet_limit: 25, email: 'sammy@example.com', name: 'Sammy the Shark', uuid: 'b6fr89', email_verified: true, status: 'active', status_message: '', team: { uuid: 't1', name: 'My Team' } };
    const { value, asked } = reader({ account });
    expect(await readMoreClaims!(value)).toEqual({ email_verified: true, team: { uuid: 't1', name: 'My Team' }, account_status: 'active' });
    expect(asked).toEqual(['https://api.digitalocean.com/v2/account']);
    expect(await readMoreClaims!(reader({ account: { uuid: 'b6fr89', email_verified: false } }).value)).toEqual({ email_verified: false });
  });

  it('a token that may not read the account (403 or 404) adds nothing; no API base, no request', async () => {
    expect(await readMoreClaims!(reader(undefined).value)).toEqual({});
    const none = reader({ account: {} }, null);
    expect(await readMoreClaims!(none.value)).toEqual({});
    expect(none.asked).toEqual([]);
  });

  it.each([[{ id: 'unauthorized' }], [{ account: null }], [[]], [null]])('an answer without an account (%j) is a bad response', async (body) => {
    await expect(readMoreClaims!(reader(body).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
  });
});

describe('digitalocean revoke: the access token at /v1/oauth/revoke', () => {
  const request = (status: number, state: Partial<RevocationRequest> = {}) =>
    revocationRequest(answer(status), { revocationEndpoint: 'https://cloud.digitalocean.com/v1/oauth/revoke', accessToken: 'doo_v1_live', ...state });

  it('200 is revoked; the token goes in the form and as the Bearer credentials, with no client secret', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://cloud.digitalocean.com/v1/oauth/revoke');
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.headers).toEqual({ authorization: 'Bearer doo_v1_live', 'content-type': 'application/x-www-form-urlencoded' });
    expect(sent[0]!.init.body).toBe('token=doo_v1_live');
  });

  it('a 401 for a token that was live, or after DigitalOcean refused the refresh token, is already revoked; otherwise a refusal', async () => {
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    expect(await revoke!(request(401, { accessTokenExpired: true, refreshTokenRefused: true }).value)).toBe('already_revoked');
    await expect(revoke!(request(401, { accessTokenExpired: true }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(400).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(502).value)).rejects.toMatchObject({ code: 'provider_error' });
  });
});
