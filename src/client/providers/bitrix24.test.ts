import { describe, expect, it } from 'vitest';
import { bitrix24, currentUserClaims } from './bitrix24.js';

const settings = bitrix24.settings({ domain: 'acme.bitrix24.com' });
const { profileClaims, tokenResponse } = settings.hooks!;

describe('bitrix24 settings: the account for the person, oauth.bitrix.info for the tokens', () => {
  it('authorizes and reads the person on the account, gets tokens with GETs at oauth.bitrix.info, asks no scope, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://acme.bitrix24.com/oauth/authorize/',
        tokenEndpoint: 'https://oauth.bitrix.info/oauth/token/',
        userinfoEndpoint: 'https://acme.bitrix24.com/rest/user.current',
      },
      apiBaseUrl: 'https://acme.bitrix24.com/rest',
      scope: '',
      tokenEndpointAuthMethod: 'client_secret_post',
      tokenRequestsInQuery: true,
      omitsTokenType: true,
      accessTokenParameter: 'auth',
      pkce: false,
      refreshTokenIdleSeconds: 180 * 86_400,
      subjectClaim: 'id',
    });
    expect(bitrix24.values).toEqual({ domain: 'required' });
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe("bitrix24 profileClaims: user.current's result", () => {
  it("qualifies the ID by the account's host, and takes the names and the e-mail", () => {
    expect(profileClaims!({ result: { ID: '3', ACTIVE: true, NAME: ' John ', LAST_NAME: 'Doe', EMAIL: 'test@gmail.com', UF_DEPARTMENT: [1] }, time: { start: 1 } })).toEqual({
      id: '3@acme.bitrix24.com',
      user_id: '3',
      name: 'John Doe',
      given_name: 'John',
      family_name: 'Doe',
      email: 'test@gmail.com',
    });
  });

  it('takes a numeric ID, lower-cases the host, and leaves out what is empty', () => {
    expect(currentUserClaims('acme.bitrix24.com')({ result: { ID: 7, NAME: '', LAST_NAME: 'Hopper', EMAIL: '' } })).toEqual({ id: '7@acme.bitrix24.com', user_id: '7', name: 'Hopper', family_name: 'Hopper' });
    expect(bitrix24.settings({ domain: 'Acme.Bitrix24.com' }).hooks!.profileClaims!({ result: { ID: '1' } })).toEqual({ id: '1@acme.bitrix24.com', user_id: '1' });
  });

  it.each([[{ result: { NAME: 'John' } }], [{ result: { ID: ' ' } }], [{ ID: '3' }], [{ error: 'expired_token', error_description: 'The access token provided has expired.' }], [null], [{ result: [{ ID: '3' }] }]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('bitrix24 tokenResponse', () => {
  const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('reads a comma-separated scope space-separated, the other members as they came', async () => {
    const read = await tokenResponse!(answer(200, { access_token: 'at', expires_in: 3600, refresh_token: 'rt', scope: 'crm,user', member_id: 'm1', status: 'L' }));
    expect(await read.json()).toEqual({ access_token: 'at', expires_in: 3600, refresh_token: 'rt', scope: 'crm user', member_id: 'm1', status: 'L' });
  });

  it('leaves a single scope, a refusal and a body that is not JSON as they came', async () => {
    expect(await (await tokenResponse!(answer(200, { access_token: 'at', scope: 'app' }))).json()).toEqual({ access_token: 'at', scope: 'app' });
    const refusal = await tokenResponse!(answer(400, { error: 'invalid_grant', scope: 'a,b' }));
    expect(refusal.status).toBe(400);
    expect(await refusal.json()).toEqual({ error: 'invalid_grant', scope: 'a,b' });
    expect(await (await tokenResponse!(new Response('<h1>Bad Gateway</h1>', { status: 502, headers: { 'content-type': 'text/html' } }))).text()).toBe('<h1>Bad Gateway</h1>');
  });
});
