import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { line } from './line.js';

const settings = line.settings({});
const { tokenRequest, revoke } = settings.hooks!;

describe('line tokenRequest: an ES256 ID token asked for with the code', () => {
  const headers = { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' };

  it('adds id_token_key_type=JWK to the code exchange, the rest of the form and the headers as they were', () => {
    const body = new URLSearchParams({ grant_type: 'authorization_code', code: 'c0de', redirect_uri: 'https://app.test/cb', code_verifier: 'v', client_id: '1234567890', client_secret: 's' });
    const sent = tokenRequest!({ body, headers });
    expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({ ...Object.fromEntries(body), id_token_key_type: 'JWK' });
    expect(sent.headers).toEqual(headers);
    expect(body.has('id_token_key_type')).toBe(false);
  });

  it('leaves a refresh as it was', () => {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r', client_id: '1234567890', client_secret: 's' });
    expect(tokenRequest!({ body, headers }).body).toBe(body.toString());
  });
});

describe('line revoke: the access token at /oauth2/v2.1/revoke', () => {
  const request = (status: number, state: Partial<RevocationRequest> = {}) =>
    revocationRequest(answer(status), { clientId: '1234567890', revocationEndpoint: 'https://api.line.me/oauth2/v2.1/revoke', ...state });

  it('200 is revoked; the access token and the channel go in the form', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://api.line.me/oauth2/v2.1/revoke');
    expect(sent[0]!.init).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(Object.fromEntries(new URLSearchParams(sent[0]!.init.body))).toEqual({ access_token: 'live', client_id: '1234567890', client_secret: 's' });
  });

  it('a 400 for a token that was live, or after LINE refused the refresh token, is already revoked; otherwise a refusal', async () => {
    expect(await revoke!(request(400).value)).toBe('already_revoked');
    expect(await revoke!(request(400, { accessTokenExpired: true, refreshTokenRefused: true }).value)).toBe('already_revoked');
    await expect(revoke!(request(400, { accessTokenExpired: true }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(500).value)).rejects.toMatchObject({ code: 'provider_error' });
  });
});
