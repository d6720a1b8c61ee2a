import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { stripe } from './stripe.js';

const settings = stripe.settings({});
const { tokenRequest, tokenResponse, profileClaims, revoke } = settings.hooks!;

describe('stripe settings', () => {
  it('Connect OAuth at connect.stripe.com, the account at api.stripe.com, read_write without PKCE', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://connect.stripe.com/oauth/authorize',
        tokenEndpoint: 'https://connect.stripe.com/oauth/token',
        userinfoEndpoint: 'https://api.stripe.com/v1/account',
        revocationEndpoint: 'https://connect.stripe.com/oauth/deauthorize',
      },
      scope: 'read_write',
      pkce: false,
      apiBaseUrl: 'https://api.stripe.com',
      subjectClaim: 'id',
    });
  });
});

describe('stripe tokenRequest: the secret key as Bearer', () => {
  it('moves client_secret from the form to Authorization: Bearer, keeping the rest', () => {
    const body = new URLSearchParams({ grant_type: 'authorization_code', code: 'ac_123', redirect_uri: 'https://app.test/cb', client_id: 'ca_abc', client_secret: 'sk_test_key' });
    const sent = tokenRequest!({ body, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' } });
    expect(sent.headers).toEqual({ 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json', authorization: 'Bearer sk_test_key' });
    expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({ grant_type: 'authorization_code', code: 'ac_123', redirect_uri: 'https://app.test/cb', client_id: 'ca_abc' });
    expect(body.get('client_secret')).toBe('sk_test_key');
  });

  it('a form without client_secret (another authentication method) goes as it was', () => {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'rt_1' });
    const headers = { authorization: 'Basic Y2E6c2s=', 'content-type': 'application/x-www-form-urlencoded' };
    expect(tokenRequest!({ body, headers })).toEqual({ body: 'grant_type=refresh_token&refresh_token=rt_1', headers });
  });
});

describe("stripe tokenResponse: an API-shaped refusal of the key as invalid_client", () => {
  const read = async (response: Response) => ({ status: response.status, body: (await response.json()) as unknown });

  it('401 { error: { type, message } } is invalid_client with the message', async () => {
    const refused = new Response(JSON.stringify({ error: { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_****' } }), { status: 401, headers: { 'content-type': 'application/json' } });
    expect(await read(await tokenResponse!(refused))).toEqual({ status: 401, body: { error: 'invalid_client', error_description: 'Invalid API Key provided: sk_test_****' } });
  });

  it('OAuth refusals and answers pass as they came', async () => {
    const grant = { error: 'invalid_grant', error_description: 'Authorization code does not exist: ac_x' };
    expect(await read(await tokenResponse!(new Response(JSON.stringify(grant), { status: 400, headers: { 'content-type': 'application/json' } })))).toEqual({ status: 400, body: grant });
    const tokens = { access_token: 'sk_test_acct', token_type: 'bearer', stripe_user_id: 'acct_1', scope: 'read_write', livemode: false };
    expect(await read(await tokenResponse!(new Response(JSON.stringify(tokens), { status: 200, headers: { 'content-type': 'application/json' } })))).toEqual({ status: 200, body: tokens });
  });
});

describe('stripe profileClaims: the account of /v1/account', () => {
  const account = {
    id: 'acct_1032D82eZvKYlo2C',
    object: 'account',
    type: 'standard',
    country: 'US',
    default_currency: 'usd',
    email: 'jenny.rosen@example.com',
    business_profile: { name: 'Rosen Designs', url: 'https://rosen.example.com' },
    settings: { dashboard: { display_name: 'Rosen', timezone: 'America/New_York' } },
  };

  it('takes the id, the display name, the e-mail unverified, and the country, currency and type', () => {
    expect(profileClaims!(account)).toEqual({ id: 'acct_1032D82eZvKYlo2C', name: 'Rosen', email: 'jenny.rosen@example.com', email_verified: false, country: 'US', default_currency: 'usd', type: 'standard' });
  });

  it('without a display name the business name; without either and an e-mail, neither', () => {
    expect(profileClaims!({ ...account, settings: { dashboard: { display_name: null } } })).toMatchObject({ name: 'Rosen Designs' });
    const bare = profileClaims!({ id: 'acct_2', business_profile: { name: '' }, email: null })!;
    expect(bare).not.toHaveProperty('name');
    expect(bare).not.toHaveProperty('email');
  });

  it.each([[{ ...account, id: 'cus_123' }], [{ ...account, id: 42 }], [{ error: { type: 'invalid_request_error' } }], [null], [[account]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('stripe revoke: the account read with its token, then /oauth/deauthorize', () => {
  const ACCOUNT = 'https://api.stripe.com/v1/account';
  const DEAUTHORIZE = 'https://connect.stripe.com/oauth/deauthorize';
  const request = (account: () => Response, deauthorize: () => Response, fields: Partial<RevocationRequest> = {}) =>
    revocationRequest((url) => (url === ACCOUNT ? account() : deauthorize()), {
      clientId: 'ca_abc',
      clientSecret: 'sk_test_platform',
      accessToken: 'sk_test_connected',
      apiBaseUrl: 'https://api.stripe.com',
      revocationEndpoint: DEAUTHORIZE,
      ...fields,
    });

  it("reads the account's id with the access token, then deauthorizes it with the platform's key", async () => {
    const { value, sent } = request(answer(200, { id: 'acct_9', object: 'account' }), answer(200, { stripe_user_id: 'acct_9' }));
    expect(await revoke!(value)).toBe('revoked');
    expect(sent.map((entry) => [entry.init.method, entry.url])).toEqual([
      ['GET', ACCOUNT],
      ['POST', DEAUTHORIZE],
    ]);
    expect(sent[0]!.init.headers.authorization).toBe('Bearer sk_test_connected');
    expect(sent[1]!.init.headers.authorization).toBe('Bearer sk_test_platform');
    expect(Object.fromEntries(new URLSearchParams(sent[1]!.init.body))).toEqual({ client_id: 'ca_abc', stripe_user_id: 'acct_9' });
  });

  it('a 401 for the access token is a connection ended already: nothing is deauthorized', async () => {
    const { value, sent } = request(answer(401, { error: { type: 'invalid_request_error', code: 'api_key_expired', message: 'Expired API Key provided' } }), answer(500));
    expect(await revoke!(value)).toBe('already_revoked');
    expect(sent).toHaveLength(1);
  });

  it('a refused deauthorization or a failing account request throws', async () => {
    await expect(revoke!(request(answer(200, { id: 'acct_9' }), answer(401, { error: 'invalid_client', error_description: 'acct_9 is not connected' })).value)).rejects.toMatchObject({
      code: 'provider_bad_response',
      message: expect.stringContaining('invalid_client'),
    });
    await expect(revoke!(request(answer(200, { id: 'acct_9' }), answer(200, { stripe_user_id: 'acct_other' })).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(answer(503), answer(200, { stripe_user_id: 'acct_9' })).value)).rejects.toMatchObject({ code: 'provider_error' });
    await expect(revoke!(request(answer(200, { id: 'acct_9' }), answer(502)).value)).rejects.toMatchObject({ code: 'provider_error' });
  });
});
