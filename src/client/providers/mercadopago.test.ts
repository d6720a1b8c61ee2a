import { describe, expect, it } from 'vitest';
import { mercadopago } from './mercadopago.js';

const settings = mercadopago.settings({});
const { tokenResponseProfile, tokenRequest } = settings.hooks!;

describe('mercadopago settings', () => {
  it('authorizes at auth.mercadopago.com with platform_id=mp and PKCE, exchanges at api.mercadopago.com, asks no scope, has no profile call and no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: { authorizationEndpoint: 'https://auth.mercadopago.com/authorization', tokenEndpoint: 'https://api.mercadopago.com/oauth/token' },
      scope: '',
      authorizationParams: { platform_id: 'mp' },
      apiBaseUrl: 'https://api.mercadopago.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: true,
      subjectClaim: 'user_id',
    });
    expect(mercadopago.values).toBeUndefined();
    expect(settings.endpoints?.userinfoEndpoint).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('mercadopago tokenResponseProfile: the seller who authorized the application', () => {
  it('is the answer’s numeric user_id, as text, and nothing of the tokens or the public key', () => {
    const answer = { access_token: 'APP_USR-4934588586838432-XXXXXXXX-241983636', token_type: 'bearer', expires_in: 15552000, scope: 'read write offline_access', user_id: 241983636, refresh_token: 'TG-XXXXXXXX-241983636', public_key: 'APP_USR-d0a26210-XXXXXXXX-479f0400869e', live_mode: true };
    expect(tokenResponseProfile!(answer)).toEqual({ user_id: '241983636' });
  });

  it.each([[{}], [{ user_id: '241983636' }], [{ user_id: 0 }], [{ user_id: -5 }], [{ user_id: 1.5 }], [{ user_id: null }]])('names no one in %j', (answer) => {
    expect(tokenResponseProfile!(answer as Record<string, unknown>)).toBeUndefined();
  });
});

describe('mercadopago tokenRequest: the form sent as JSON', () => {
  it('keeps every member, the client and the code verifier among them, as a JSON body', () => {
    const form = new URLSearchParams({ grant_type: 'authorization_code', code: 'TG-1', redirect_uri: 'https://app.example/cb', code_verifier: 'v', client_id: 'c', client_secret: 's' });
    const sent = tokenRequest!({ body: form, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' } });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'authorization_code', code: 'TG-1', redirect_uri: 'https://app.example/cb', code_verifier: 'v', client_id: 'c', client_secret: 's' });
    expect(sent.headers).toEqual({ accept: 'application/json', 'content-type': 'application/json' });
  });
});
