import { describe, expect, it } from 'vitest';
import { resideo } from './resideo.js';

const API_KEY = 'Xk3m9QpL2vR7tY1wZ5aB8cD4eF6gH0jN';
const settings = resideo.settings({}, { clientId: API_KEY });
const { tokenResponse } = settings.hooks!;
const jsonAnswer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('resideo settings', () => {
  it("is connect-only: Resideo's endpoints, no scope, the key and secret as plain Basic, the API key as apikey on every call; no profile, no PKCE, no revocation", () => {
    expect(settings).toEqual({
      endpoints: {
        authorizationEndpoint: 'https://api.honeywellhome.com/oauth2/authorize',
        tokenEndpoint: 'https://api.honeywellhome.com/oauth2/token',
      },
      scope: '',
      apiBaseUrl: 'https://api.honeywellhome.com',
      apiQueryParameters: { apikey: API_KEY },
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      pkce: false,
      connectOnly: true,
      hooks: { tokenResponse },
    });
    expect(resideo.values).toBeUndefined();
  });

  it('without a client id (settings read for their defaults) names no apikey', () => {
    expect(resideo.settings({})).not.toHaveProperty('apiQueryParameters');
  });
});

describe('resideo tokenResponse: a string expires_in and BearerToken read as RFC 6749 §5.1 has them', () => {
  it('makes "1799" a number and BearerToken Bearer, keeping every other member', async () => {
    const rewritten = await tokenResponse!(jsonAnswer(200, { access_token: 'a1', refresh_token: 'r1', token_type: 'BearerToken', expires_in: '1799', refresh_count: '0' }));
    expect(rewritten.status).toBe(200);
    expect(await rewritten.json()).toEqual({ access_token: 'a1', refresh_token: 'r1', token_type: 'Bearer', expires_in: 1799, refresh_count: '0' });
  });

  it('leaves a numeric expires_in, another token_type, a lifetime that is not digits and a refusal as they were', async () => {
    const plain = await tokenResponse!(jsonAnswer(200, { access_token: 'a', token_type: 'Bearer', expires_in: 600 }));
    expect(await plain.json()).toEqual({ access_token: 'a', token_type: 'Bearer', expires_in: 600 });
    const odd = await tokenResponse!(jsonAnswer(200, { access_token: 'a', token_type: 'mac', expires_in: 'soon' }));
    expect(await odd.json()).toEqual({ access_token: 'a', token_type: 'mac', expires_in: 'soon' });
    const refused = await tokenResponse!(jsonAnswer(400, { error: 'invalid_grant' }));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'invalid_grant' });
    const page = await tokenResponse!(new Response('<h1>Service Unavailable</h1>', { status: 503, headers: { 'content-type': 'text/html' } }));
    expect(page.status).toBe(503);
    expect(await page.text()).toBe('<h1>Service Unavailable</h1>');
  });
});
