import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { square } from './square.js';

const production = square.settings({});
const { tokenRequest, tokenResponse, profileClaims, revoke } = production.hooks!;

describe('square settings: production, or the Sandbox through the base URL', () => {
  it('production is connect.squareup.com, asking the seller to sign in (session=false), without PKCE', () => {
    expect(production).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://connect.squareup.com/oauth2/authorize',
        tokenEndpoint: 'https://connect.squareup.com/oauth2/token',
        userinfoEndpoint: 'https://connect.squareup.com/v2/merchants/me',
        revocationEndpoint: 'https://connect.squareup.com/oauth2/revoke',
      },
      scope: 'MERCHANT_PROFILE_READ',
      authorizationParams: { session: 'false' },
      pkce: false,
      apiBaseUrl: 'https://connect.squareup.com/v2',
      apiHeaders: { 'square-version': '2026-01-22' },
      proxyHeaders: { request: ['square-version'], response: [] },
      subjectClaim: 'id',
    });
  });

  it('the Sandbox has the same paths on its host, and no session parameter', () => {
    const sandbox = square.settings({ baseUrl: 'https://connect.squareupsandbox.com/' });
    expect(sandbox.endpoints).toMatchObject({ authorizationEndpoint: 'https://connect.squareupsandbox.com/oauth2/authorize', revocationEndpoint: 'https://connect.squareupsandbox.com/oauth2/revoke' });
    expect(sandbox.apiBaseUrl).toBe('https://connect.squareupsandbox.com/v2');
    expect(sandbox.authorizationParams).toBeUndefined();
  });
});

describe('square tokenRequest: the JSON body ObtainToken takes', () => {
  it('sends every field as JSON, the client in it', () => {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'EQAAE…', client_id: 'sq0idp-app', client_secret: 'sq0csp-secret' });
    const sent = tokenRequest!({ body, headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' } });
    expect(sent.headers).toEqual({ 'content-type': 'application/json', accept: 'application/json' });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'refresh_token', refresh_token: 'EQAAE…', client_id: 'sq0idp-app', client_secret: 'sq0csp-secret' });
  });
});

describe('square tokenResponse: ObtainToken’s answers in RFC 6749’s shapes', () => {
  const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('expires_at becomes expires_in, the rest kept', async () => {
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const kept = (await (await tokenResponse!(answer(200, { access_token: 'EAAA1', token_type: 'bearer', expires_at: expiresAt, merchant_id: 'ML1', refresh_token: 'EQAA1', short_lived: false }))).json()) as Record<string, unknown>;
    expect(kept).toMatchObject({ access_token: 'EAAA1', token_type: 'bearer', merchant_id: 'ML1', refresh_token: 'EQAA1' });
    expect(kept).not.toHaveProperty('expires_at');
    expect(kept.expires_in).toBeGreaterThan(30 * 86_400 - 5);
    expect(kept.expires_in).toBeLessThanOrEqual(30 * 86_400);
  });

  it('a refusal naming the client is invalid_client; any other 400 or 401 is invalid_grant; both shapes read', async () => {
    const read = async (status: number, body: unknown) => (await (await tokenResponse!(answer(status, body))).json()) as Record<string, unknown>;
    expect(await read(401, { errors: [{ category: 'AUTHENTICATION_ERROR', code: 'UNAUTHORIZED', detail: 'Invalid client_secret' }] })).toEqual({ error: 'invalid_client', error_description: 'UNAUTHORIZED Invalid client_secret' });
    expect(await read(401, { errors: [{ category: 'AUTHENTICATION_ERROR', code: 'UNAUTHORIZED', detail: 'Authorization code is already redeemed' }] })).toEqual({ error: 'invalid_grant', error_description: 'UNAUTHORIZED Authorization code is already redeemed' });
    expect(await read(400, { message: 'cannot renew revoked token', type: 'bad_request' })).toEqual({ error: 'invalid_grant', error_description: 'bad_request cannot renew revoked token' });
    expect(await read(400, { error: 'invalid_request' })).toEqual({ error: 'invalid_request' });
  });

  it('leaves a server failure as it came', async () => {
    const failed = await tokenResponse!(answer(503, { errors: [{ category: 'API_ERROR', code: 'SERVICE_UNAVAILABLE' }] }));
    expect(failed.status).toBe(503);
    expect(await failed.json()).toEqual({ errors: [{ category: 'API_ERROR', code: 'SERVICE_UNAVAILABLE' }] });
  });
});

describe('square profileClaims: the merchant of /v2/merchants/me', () => {
  it('takes merchant, keeping its members', () => {
    const merchant = { id: 'MLR5X6A0J3K9B', business_name: 'Acme Coffee', country: 'US', currency: 'USD', status: 'ACTIVE' };
    expect(profileClaims!({ merchant })).toEqual(merchant);
  });

  it.each([[{ merchant: { id: '' } }], [{ merchant: null }], [{ errors: [{ code: 'UNAUTHORIZED' }] }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('square revoke: POST /oauth2/revoke with Authorization: Client', () => {
  const request = (status: number, body: unknown, state: Partial<RevocationRequest> = {}) =>
    revocationRequest(answer(status, body), {
      clientId: 'sq0idp-app',
      clientSecret: 'sq0csp-secret',
      revocationEndpoint: 'https://connect.squareup.com/oauth2/revoke',
      apiHeaders: { 'square-version': '2026-01-22' },
      accessToken: 'EAAA1',
      ...state,
    });

  it('{ success: true } is revoked; the client secret goes as Client, the client id and token as JSON', async () => {
    const { value, sent } = request(200, { success: true });
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toEqual([
      {
        url: 'https://connect.squareup.com/oauth2/revoke',
        init: {
          method: 'POST',
          headers: { 'square-version': '2026-01-22', 'content-type': 'application/json', authorization: 'Client sq0csp-secret' },
          body: JSON.stringify({ client_id: 'sq0idp-app', access_token: 'EAAA1' }),
        },
      },
    ]);
  });

  it('401 or 404 for a live token is already revoked; for an expired one it could not refresh, a refusal; a 200 without success is not revoked', async () => {
    expect(await revoke!(request(401, { errors: [{ code: 'UNAUTHORIZED' }] }).value)).toBe('already_revoked');
    expect(await revoke!(request(404, { message: 'not found', type: 'not_found' }, { accessTokenExpired: true, refreshTokenRefused: true }).value)).toBe('already_revoked');
    await expect(revoke!(request(401, {}, { accessTokenExpired: true }).value)).rejects.toMatchObject({ code: 'provider_bad_response', message: 'Square answered HTTP 401 to the token revocation.' });
    await expect(revoke!(request(200, { success: false }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(503, {}).value)).rejects.toMatchObject({ code: 'provider_error' });
  });

  it('needs the revocation endpoint', async () => {
    await expect(revoke!(request(200, { success: true }, { revocationEndpoint: undefined }).value)).rejects.toThrow('Square revocation needs the revocation endpoint');
  });
});
