import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { zoho } from './zoho.js';

const settings = zoho.settings({});
const { authorizationScope, codeExchangeServer, tokenResponse, profileClaims, revoke } = settings.hooks!;

describe('zoho settings: the accounts server of one data centre', () => {
  it('defaults to the US accounts server, and <NAME>_BASE_URL names another, each endpoint on it', () => {
    expect(settings.endpoints).toEqual({
      authorizationEndpoint: 'https://accounts.zoho.com/oauth/v2/auth',
      tokenEndpoint: 'https://accounts.zoho.com/oauth/v2/token',
      userinfoEndpoint: 'https://accounts.zoho.com/oauth/user/info',
      revocationEndpoint: 'https://accounts.zoho.com/oauth/v2/token/revoke',
    });
    expect(zoho.settings({ baseUrl: 'https://accounts.zoho.eu/' }).endpoints?.tokenEndpoint).toBe('https://accounts.zoho.eu/oauth/v2/token');
    expect(settings.authorizationParams).toEqual({ access_type: 'offline' });
    expect(settings.refreshTokenNeedsConsent).toBe(true);
  });

  it('joins the scopes with commas for the authorization request', () => {
    expect(authorizationScope!('AaaServer.profile.READ  ZohoCRM.modules.ALL')).toBe('AaaServer.profile.READ,ZohoCRM.modules.ALL');
  });

  it('reads the accounts-server the callback names, and none when it names none', () => {
    expect(codeExchangeServer!(new URLSearchParams({ code: 'c', location: 'eu', 'accounts-server': 'https://accounts.zoho.eu' }))).toBe('https://accounts.zoho.eu');
    expect(codeExchangeServer!(new URLSearchParams({ code: 'c' }))).toBeUndefined();
  });
});

describe('zoho tokenResponse: refusals sent with HTTP 200, and expires_in_sec', () => {
  const read = async (response: Response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown> });
  const sent = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json;charset=UTF-8' } });

  it('invalid_code with HTTP 200 is a 400 invalid_grant; invalid_client_secret and invalid_client a 401 invalid_client; another error a 400 as named', async () => {
    expect(await read(await tokenResponse!(sent(200, { error: 'invalid_code' })))).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Zoho answered invalid_code.', zoho_error: 'invalid_code' } });
    expect(await read(await tokenResponse!(sent(200, { error: 'invalid_client_secret' })))).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await read(await tokenResponse!(sent(200, { error: 'invalid_client' })))).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await read(await tokenResponse!(sent(200, { error: 'invalid_redirect_uri' })))).toMatchObject({ status: 400, body: { error: 'invalid_redirect_uri' } });
  });

  it('an answer with tokens, or a refusal sent with its own status, is left as it came; expires_in_sec replaces expires_in', async () => {
    const tokens = { access_token: 'a', refresh_token: 'r', api_domain: 'https://www.zohoapis.eu', token_type: 'Bearer', expires_in: 3600 };
    expect(await read(await tokenResponse!(sent(200, tokens)))).toEqual({ status: 200, body: tokens });
    expect(await read(await tokenResponse!(sent(500, { error: 'server_error' })))).toEqual({ status: 500, body: { error: 'server_error' } });
    expect(await read(await tokenResponse!(sent(200, { ...tokens, expires_in: 3_600_000, expires_in_sec: 3600 })))).toMatchObject({ status: 200, body: { expires_in: 3600 } });
  });
});

describe('zoho profileClaims: the person of /oauth/user/info', () => {
  const info = { First_Name: 'Ada', Last_Name: 'Lovelace', Display_Name: 'ada.lovelace', Email: 'ada@example.com', ZUID: 61_234_567 };

  it('takes ZUID as a string, the names joined, the display name and the e-mail', () => {
    expect(profileClaims!(info)).toEqual({ zuid: '61234567', name: 'Ada Lovelace', display_name: 'ada.lovelace', email: 'ada@example.com' });
  });

  it('no first or last name: the display name is the name; no e-mail: none', () => {
    expect(profileClaims!({ ZUID: '61234567', First_Name: '', Display_Name: 'ada.lovelace' })).toEqual({ zuid: '61234567', name: 'ada.lovelace', display_name: 'ada.lovelace' });
  });

  it.each([[{ Email: 'a@b.c' }], [{ ZUID: '' }], [{ ZUID: 1.5 }], [{ ZUID: 'x1' }], [null], [[info]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('zoho revoke: the refresh token at /oauth/v2/token/revoke', () => {
  const endpoint = 'https://accounts.zoho.com/oauth/v2/token/revoke';
  const request = (status: number, body: unknown, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status, body), { revocationEndpoint: endpoint, ...state });

  it('{"status":"success"} is revoked; the refresh token goes in the query, no client', async () => {
    const { value, sent } = request(200, { status: 'success' });
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(`${endpoint}?token=refresh`);
    expect(sent[0]!.init).toMatchObject({ method: 'POST' });
    expect(sent[0]!.init.body).toBeUndefined();
  });

  it('without a refresh token, the access token is revoked', async () => {
    const { value, sent } = request(200, { status: 'success' }, { refreshToken: null });
    expect(await revoke!(value)).toBe('revoked');
    expect(sent[0]!.url).toBe(`${endpoint}?token=live`);
  });

  it('a 400 once Zoho refused the refresh token is already revoked; otherwise, and any other answer, a failure', async () => {
    expect(await revoke!(request(400, { error: 'invalid_token' }, { refreshTokenRefused: true }).value)).toBe('already_revoked');
    await expect(revoke!(request(400, { error: 'invalid_token' }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(200, { status: 'failure' }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(503, 'unavailable').value)).rejects.toMatchObject({ code: 'provider_error' });
  });
});
