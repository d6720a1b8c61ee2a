import { describe, expect, it } from 'vitest';
import { netatmo } from './netatmo.js';

const settings = netatmo.settings({});
const { tokenResponse, tokenRejected } = settings.hooks!;

const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('netatmo settings', () => {
  it('is connect-only: authorizes and refreshes at api.netatmo.com/oauth2, reads no profile, asks read_station with the client in the form, no PKCE and no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://api.netatmo.com/oauth2/authorize',
        tokenEndpoint: 'https://api.netatmo.com/oauth2/token',
      },
      scope: 'read_station',
      apiBaseUrl: 'https://api.netatmo.com/api',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      connectOnly: true,
    });
    expect(netatmo.values).toBeUndefined();
    expect(settings.endpoints?.userinfoEndpoint).toBeUndefined();
    expect(settings.subjectClaim).toBeUndefined();
    expect(settings.hooks?.profileClaims).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('netatmo tokenResponse: the scope array and the missing token_type', () => {
  it('joins the scope array with spaces and adds token_type Bearer, keeping the rest', async () => {
    const rebuilt = await tokenResponse!(answer(200, { access_token: 'a|b', refresh_token: 'r|s', scope: ['read_station', 'read_thermostat'], expires_in: 10800, expire_in: 10800 }));
    expect(rebuilt.status).toBe(200);
    expect(await rebuilt.json()).toEqual({ access_token: 'a|b', refresh_token: 'r|s', scope: 'read_station read_thermostat', expires_in: 10800, expire_in: 10800, token_type: 'Bearer' });
  });

  it('keeps a scope string and a token type that are there', async () => {
    const rebuilt = await tokenResponse!(answer(200, { access_token: 'a', scope: 'read_station', token_type: 'bearer' }));
    expect(await rebuilt.json()).toEqual({ access_token: 'a', scope: 'read_station', token_type: 'bearer' });
  });

  it('passes a refusal on as it came', async () => {
    const rebuilt = await tokenResponse!(answer(400, { error: 'invalid_grant' }));
    expect(rebuilt.status).toBe(400);
    expect(await rebuilt.json()).toEqual({ error: 'invalid_grant' });
  });
});

describe('netatmo tokenRejected: the API refusing the access token', () => {
  it('reads a 403 with error code 2 or 3 as the token refused', async () => {
    expect(await tokenRejected!(answer(403, { error: { code: 2, message: 'Invalid access token' } }))).toBe(true);
    expect(await tokenRejected!(answer(403, { error: { code: 3, message: 'Access token expired' } }))).toBe(true);
  });

  it('not another refusal, nor another status', async () => {
    expect(await tokenRejected!(answer(403, { error: { code: 13, message: 'Operation forbidden' } }))).toBe(false);
    expect(await tokenRejected!(answer(403, { error: 'forbidden' }))).toBe(false);
    expect(await tokenRejected!(answer(400, { error: { code: 2, message: 'Invalid access token' } }))).toBe(false);
  });
});
