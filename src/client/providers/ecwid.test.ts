import { describe, expect, it } from 'vitest';
import { ecwid } from './ecwid.js';

const settings = ecwid.settings({});
const { tokenResponseProfile, tokenRejected } = settings.hooks!;

const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('ecwid settings', () => {
  it('authorizes and exchanges at my.ecwid.com, calls the API under app.ecwid.com/api/v3, asks read_store_profile, sends the client in the form, no PKCE, no user API and no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://my.ecwid.com/api/oauth/authorize',
        tokenEndpoint: 'https://my.ecwid.com/api/oauth/token',
      },
      scope: 'read_store_profile',
      apiBaseUrl: 'https://app.ecwid.com/api/v3',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'store_id',
    });
    expect(ecwid.values).toBeUndefined();
    expect(settings.endpoints?.userinfoEndpoint).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('ecwid tokenResponseProfile: the store the token is for', () => {
  it('is the store_id of the code exchange’s answer, as text, and nothing of the token', () => {
    expect(tokenResponseProfile!({ access_token: 'secret_ab12', token_type: 'bearer', scope: 'read_store_profile read_catalog', store_id: 1003 })).toEqual({ store_id: '1003' });
  });

  it.each([[{ access_token: 'secret_ab12' }], [{ store_id: '1003' }], [{ store_id: 0 }], [{ store_id: -5 }], [{ store_id: 10.5 }], [{ store_id: null }]])('names no store in %j', (body) => {
    expect(tokenResponseProfile!(body)).toBeUndefined();
  });
});

describe('ecwid tokenRejected: a 403 INVALID_API_TOKEN is the token refused', () => {
  it('reads only that 403 as the token refused, not a missing scope or another status', async () => {
    expect(await tokenRejected!(answer(403, { errorMessage: 'Invalid access token in the request', errorCode: 'INVALID_API_TOKEN' }))).toBe(true);
    expect(await tokenRejected!(answer(403, { errorMessage: 'INVALID_API_TOKEN' }))).toBe(true);
    expect(await tokenRejected!(answer(403, { errorMessage: "Application doesn't have a required scope for the request", errorCode: 'INSUFFICIENT_APP_SCOPE' }))).toBe(false);
    expect(await tokenRejected!(answer(404, { errorMessage: 'Store with specified ID was not found', errorCode: 'STORE_NOT_FOUND' }))).toBe(false);
    expect(await tokenRejected!(answer(402, { errorCode: 'INVALID_API_TOKEN' }))).toBe(false);
    expect(await tokenRejected!(new Response('<h1>Forbidden</h1>', { status: 403 }))).toBe(false);
  });
});
