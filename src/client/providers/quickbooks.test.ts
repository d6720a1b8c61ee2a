import { describe, expect, it } from 'vitest';
import { quickbooks } from './quickbooks.js';

const settings = quickbooks.settings({});
const hooks = settings.hooks!;

describe('QuickBooks preset', () => {
  it('reads Intuit’s camelCase userinfo as OpenID Connect’s names, keeping what Intuit sent', () => {
    expect(hooks.profileClaims!({ sub: 's-1', givenName: 'Ada', familyName: 'Lovelace', email: 'ada@books.test', emailVerified: true })).toEqual({
      sub: 's-1',
      givenName: 'Ada',
      familyName: 'Lovelace',
      email: 'ada@books.test',
      emailVerified: true,
      given_name: 'Ada',
      family_name: 'Lovelace',
      email_verified: true,
    });
    expect(hooks.profileClaims!({ sub: 's-1', email_verified: false, emailVerified: true })).toMatchObject({ email_verified: false });
  });

  it('keeps x_refresh_token_expires_in as the refresh token’s stated end, and leaves an answer without it as it came', async () => {
    const answer = new Response(JSON.stringify({ access_token: 'at', refresh_token: 'rt', expires_in: 3600, x_refresh_token_expires_in: 8_726_400 }), { status: 200, headers: { 'content-type': 'application/json' } });
    expect(await (await hooks.tokenResponse!(answer)).json()).toMatchObject({ refresh_token_expires_in: 8_726_400, x_refresh_token_expires_in: 8_726_400 });
    const refusal = new Response('{"error":"invalid_grant"}', { status: 400, headers: { 'content-type': 'application/json' } });
    const kept = await hooks.tokenResponse!(refusal);
    expect([kept.status, await kept.json()]).toEqual([400, { error: 'invalid_grant' }]);
  });

  it('takes the company from the callback’s realmId, digits only, checked against the ID token’s realmid, under Intuit’s API', () => {
    expect(settings.connectionApiBase).toEqual({ callbackParameter: 'realmId', pattern: /[0-9]{1,32}/, idTokenClaim: 'realmid' });
    expect(settings.apiBaseUrl).toBe('https://quickbooks.api.intuit.com/v3/company');
  });
});
