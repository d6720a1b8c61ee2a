import { describe, expect, it } from 'vitest';
import { pcloud } from './pcloud.js';

const settings = pcloud.settings({});
const { codeExchangeServer, tokenResponse, profileClaims, tokenRejected } = settings.hooks!;

const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

describe('pcloud settings', () => {
  it('signs in at my.pcloud.com, exchanges the code and reads userinfo at api.pcloud.com (or eapi.pcloud.com), asks no scope and no PKCE, sends the client in the form and the token as access_token, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://my.pcloud.com/oauth2/authorize',
        tokenEndpoint: 'https://api.pcloud.com/oauth2_token',
        userinfoEndpoint: 'https://api.pcloud.com/userinfo',
      },
      regionalServers: ['https://api.pcloud.com', 'https://eapi.pcloud.com'],
      scope: '',
      pkce: false,
      apiBaseUrl: 'https://api.pcloud.com',
      connectionApiBase: { regionalServerPath: '' },
      accessTokenParameter: 'access_token',
      tokenEndpointAuthMethod: 'client_secret_post',
      successMayRejectToken: true,
      subjectClaim: 'userid',
    });
    expect(pcloud.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('pcloud codeExchangeServer: the callback hostname', () => {
  it("names the callback's hostname, in lower case, and nothing without one", () => {
    expect(codeExchangeServer!(new URLSearchParams({ code: 'c', locationid: '2', hostname: 'EAPI.pcloud.com' }))).toBe('eapi.pcloud.com');
    expect(codeExchangeServer!(new URLSearchParams({ code: 'c', locationid: '1', hostname: 'api.pcloud.com' }))).toBe('api.pcloud.com');
    expect(codeExchangeServer!(new URLSearchParams({ code: 'c' }))).toBeUndefined();
    expect(codeExchangeServer!(new URLSearchParams({ code: 'c', hostname: '' }))).toBeUndefined();
  });
});

describe('pcloud tokenResponse: failures sent with HTTP 200', () => {
  const rewritten = async (status: number, body: unknown) => {
    const response = await tokenResponse!(answer(status, body));
    return { status: response.status, body: await response.json() };
  };

  it('leaves a success as it is', async () => {
    const success = { result: 0, access_token: 'tok', token_type: 'bearer', uid: 34535 };
    expect(await rewritten(200, success)).toEqual({ status: 200, body: success });
  });

  it("reads a code refused as invalid_grant, the client's refusal as invalid_client, a missing parameter as invalid_request and 5000 as a server error", async () => {
    expect(await rewritten(200, { result: 2012, error: "Invalid 'code' provided." })).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: "2012: Invalid 'code' provided." } });
    expect(await rewritten(200, { result: 2074, error: "Expired 'code' provided." })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await rewritten(200, { result: 2002, error: "Invalid 'client_secret' provided." })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await rewritten(200, { result: 1001, error: "Please provide 'client_id'." })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await rewritten(200, { result: 1022, error: "Please provide 'code'." })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await rewritten(200, { result: 5000, error: 'Internal error. Try again later.' })).toMatchObject({ status: 500, body: { error: 'server_error' } });
  });

  it('leaves another status as it is', async () => {
    const response = await tokenResponse!(new Response('<h1>Bad Gateway</h1>', { status: 502, headers: { 'content-type': 'text/html' } }));
    expect(response.status).toBe(502);
    expect(await response.text()).toBe('<h1>Bad Gateway</h1>');
  });
});

describe('pcloud profileClaims: userinfo', () => {
  it('takes userid as a string, with the e-mail and its verification, not the quota or the plan', () => {
    expect(profileClaims!({ result: 0, userid: 1234, email: 'pcloud@pcloud.com', emailverified: true, registered: 'Mon, 18 Nov 2013 15:32:05 +0000', language: 'en', premium: false, usedquota: 500, quota: 1000 })).toEqual({
      userid: '1234',
      email: 'pcloud@pcloud.com',
      email_verified: true,
    });
    expect(profileClaims!({ result: 0, userid: 5678, email: ' ann@example.com ', emailverified: false })).toEqual({ userid: '5678', email: 'ann@example.com', email_verified: false });
    expect(profileClaims!({ userid: 9, email: '' })).toEqual({ userid: '9' });
  });

  it.each([[{ result: 2000, error: 'Log in failed.' }], [{ result: 1000, userid: 1 }], [{ result: 0, userid: '1234' }], [{ result: 0, userid: 0 }], [{ result: 0, userid: 1.5 }], [{ result: 0 }], [null], [[{ userid: 1 }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('pcloud tokenRejected: a call not logged in, with HTTP 200', () => {
  it.each([
    [200, { result: 1000, error: 'Log in required.' }, true],
    [200, { result: 2000, error: 'Log in failed.' }, true],
    [200, { result: 2094, error: "Invalid 'access_token' provided." }, true],
    [200, { result: 0, metadata: {} }, false],
    [200, { result: 2005, error: 'Directory does not exist.' }, false],
    [400, { result: 2000, error: 'Log in failed.' }, false],
  ])('HTTP %i with %j: %s', async (status, body, rejected) => {
    expect(await tokenRejected!(answer(status, body))).toBe(rejected);
  });
});
