import { describe, expect, it } from 'vitest';
import { dropbox_sign } from './dropbox_sign.js';

const settings = dropbox_sign.settings({});
const { profileClaims, tokenRequest, tokenResponse } = settings.hooks!;

describe('dropbox_sign settings', () => {
  it('signs in at app.hellosign.com with no scope, the state sent with the code, refreshes at /oauth/token?refresh, reads /v3/account, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://app.hellosign.com/oauth/authorize',
        tokenEndpoint: 'https://app.hellosign.com/oauth/token',
        refreshEndpoint: 'https://app.hellosign.com/oauth/token?refresh',
        userinfoEndpoint: 'https://api.hellosign.com/v3/account',
      },
      scope: '',
      apiBaseUrl: 'https://api.hellosign.com/v3',
      tokenEndpointAuthMethod: 'client_secret_post',
      stateAtCodeExchange: true,
      pkce: false,
      subjectClaim: 'id',
    });
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });

  it('sends the token request as JSON with the same members', () => {
    const sent = tokenRequest!({ body: new URLSearchParams({ grant_type: 'authorization_code', code: '1b0d28d90c86c141', state: '900e06e2', client_id: 'cc91', client_secret: '1d14' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(sent.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'authorization_code', code: '1b0d28d90c86c141', state: '900e06e2', client_id: 'cc91', client_secret: '1d14' });
  });
});

describe('dropbox_sign tokenResponse: ErrorResponse refusals as RFC 6749 §5.2', () => {
  const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const read = async (response: Response) => ({ status: response.status, body: (await response.json()) as unknown });

  it('reads a 401 as invalid_client and another 4XX as invalid_grant, error_msg the description', async () => {
    expect(await read(await tokenResponse!(answer(401, { error: { error_msg: 'Unauthorized user. No credentials supplied.', error_name: 'unauthorized' } })))).toEqual({
      status: 401,
      body: { error: 'invalid_client', error_description: 'Unauthorized user. No credentials supplied.' },
    });
    expect(await read(await tokenResponse!(answer(403, { error: { error_name: 'forbidden' } })))).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Dropbox Sign answered forbidden' } });
    expect(await read(await tokenResponse!(answer(400, { error: {} })))).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Dropbox Sign answered HTTP 400' } });
  });

  it('leaves successes, a 429, a 5XX and an RFC 6749 refusal as they came', async () => {
    const success = { access_token: 'NWNi', token_type: 'Bearer', refresh_token: 'hNTI', expires_in: 86400, state: '900e06e2' };
    expect(await read(await tokenResponse!(answer(200, success)))).toEqual({ status: 200, body: success });
    const throttled = { error: { error_msg: 'Too many requests', error_name: 'exceeded_rate' } };
    expect(await read(await tokenResponse!(answer(429, throttled)))).toEqual({ status: 429, body: throttled });
    expect(await read(await tokenResponse!(answer(503, { error: { error_name: 'unavailable' } })))).toEqual({ status: 503, body: { error: { error_name: 'unavailable' } } });
    expect(await read(await tokenResponse!(answer(400, { error: 'invalid_request' })))).toEqual({ status: 400, body: { error: 'invalid_request' } });
  });
});

describe('dropbox_sign profileClaims: the account of /v3/account', () => {
  it('takes the account id and the e-mail', () => {
    expect(
      profileClaims!({ account: { account_id: '5008b25c7f67153e57d5a357b1687968068fb465', email_address: ' me@dropboxsign.com ', is_locked: false, is_paid_hs: true, callback_url: null, role_code: null, locale: 'en-US' } }),
    ).toEqual({ id: '5008b25c7f67153e57d5a357b1687968068fb465', email: 'me@dropboxsign.com' });
  });

  it.each([[{ account: { email_address: 'me@dropboxsign.com' } }], [{ account: { account_id: '' } }], [{ account_id: '5008b25c' }], [{ error: { error_name: 'unauthorized' } }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
