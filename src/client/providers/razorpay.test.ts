import { describe, expect, it } from 'vitest';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { razorpay } from './razorpay.js';

const settings = razorpay.settings({});
const { tokenResponseProfile, tokenRequest, revoke } = settings.hooks!;
const ENDPOINT = 'https://auth.razorpay.com/revoke';

describe('razorpay tokenResponseProfile: the account that granted the authorisation', () => {
  it('is razorpay_account_id of the code exchange’s answer, and nothing of the tokens', () => {
    const exchange = { public_token: 'rzp_test_oauth_XXXXXXXXXXXXXX', token_type: 'Bearer', expires_in: 7862400, access_token: 'eyJ0eXAi', refresh_token: 'def50200f4', razorpay_account_id: ' acc_Dhk2qDbmu6FwZH ' };
    expect(tokenResponseProfile!(exchange)).toEqual({ razorpay_account_id: 'acc_Dhk2qDbmu6FwZH' });
  });

  it('names no one without an acc_ account id', () => {
    expect(tokenResponseProfile!({ access_token: 'eyJ0eXAi' })).toBeUndefined();
    expect(tokenResponseProfile!({ razorpay_account_id: 'Dhk2qDbmu6FwZH' })).toBeUndefined();
    expect(tokenResponseProfile!({ razorpay_account_id: 42 })).toBeUndefined();
  });
});

describe('razorpay tokenRequest: the form sent as JSON', () => {
  it('keeps every member, the client’s id and secret among them, as a JSON body', () => {
    const form = new URLSearchParams({ grant_type: 'authorization_code', code: 'def502', redirect_uri: 'https://app.example/cb', client_id: 'c', client_secret: 's' });
    const sent = tokenRequest!({ body: form, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' } });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'authorization_code', code: 'def502', redirect_uri: 'https://app.example/cb', client_id: 'c', client_secret: 's' });
    expect(sent.headers).toEqual({ accept: 'application/json', 'content-type': 'application/json' });
  });
});

describe('razorpay revoke: the refresh token, then the access token, as JSON with token_type_hint', () => {
  const bodies = (sent: { init: { body?: string } }[]) => sent.map((request) => JSON.parse(request.init.body!));

  it('revokes both in that order, each with the client and its hint', async () => {
    const { value, sent } = revocationRequest(answer(200, { message: 'Token Revoked' }), { revocationEndpoint: ENDPOINT });
    expect(await revoke!(value)).toBe('revoked');
    expect(sent.map((request) => [request.url, request.init.method, request.init.headers['content-type']])).toEqual([
      [ENDPOINT, 'POST', 'application/json'],
      [ENDPOINT, 'POST', 'application/json'],
    ]);
    expect(bodies(sent)).toEqual([
      { client_id: 'c', client_secret: 's', token_type_hint: 'refresh_token', token: 'refresh' },
      { client_id: 'c', client_secret: 's', token_type_hint: 'access_token', token: 'live' },
    ]);
  });

  it('without a refresh token, revokes the access token alone', async () => {
    const { value, sent } = revocationRequest(answer(200, { message: 'Token Revoked' }), { revocationEndpoint: ENDPOINT, refreshToken: null });
    expect(await revoke!(value)).toBe('revoked');
    expect(bodies(sent)).toEqual([{ client_id: 'c', client_secret: 's', token_type_hint: 'access_token', token: 'live' }]);
  });

  it('the access token refused once the refresh token was revoked is revoked with it', async () => {
    let call = 0;
    const { value } = revocationRequest(() => (call++ === 0 ? answer(200, { message: 'Token Revoked' })() : answer(400, { error: { code: 'BAD_REQUEST_ERROR', description: 'Token is invalid' } })()), { revocationEndpoint: ENDPOINT });
    expect(await revoke!(value)).toBe('revoked');
  });

  it('after Razorpay refused the refresh token, a 400 is the grant gone already', async () => {
    const { value } = revocationRequest(answer(400, { error: { code: 'BAD_REQUEST_ERROR', description: 'Token is invalid' } }), { revocationEndpoint: ENDPOINT, refreshTokenRefused: true });
    expect(await revoke!(value)).toBe('already_revoked');
  });

  it('a 400 for a refresh token Razorpay had not refused, or a 5xx, is a failure', async () => {
    await expect(revoke!(revocationRequest(answer(400, { error: { code: 'BAD_REQUEST_ERROR' } }), { revocationEndpoint: ENDPOINT }).value)).rejects.toThrow('Razorpay answered HTTP 400 to the refresh token revocation.');
    await expect(revoke!(revocationRequest(answer(500, { error: { code: 'SERVER_ERROR' } }), { revocationEndpoint: ENDPOINT }).value)).rejects.toThrow('Razorpay answered HTTP 500');
  });
});
