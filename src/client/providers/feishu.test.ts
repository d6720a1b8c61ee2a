import { describe, expect, it } from 'vitest';
import { presetDomainProblem } from '../../config/preset-domain.js';
import { FEISHU_DOMAINS, feishu } from './feishu.js';

const settings = feishu.settings({});
const { tokenRequest, tokenResponse, tokenRejected, profileClaims } = settings.hooks!;

describe('feishu settings: Feishu by default, Lark by its domain', () => {
  it("puts authorization on accounts.feishu.cn and the token, the person and the API on open.feishu.cn, asking offline_access", () => {
    expect(settings.endpoints).toEqual({
      authorizationEndpoint: 'https://accounts.feishu.cn/open-apis/authen/v1/authorize',
      tokenEndpoint: 'https://open.feishu.cn/open-apis/authen/v2/oauth/token',
      userinfoEndpoint: 'https://open.feishu.cn/open-apis/authen/v1/user_info',
    });
    expect(settings).toMatchObject({ scope: 'offline_access', apiBaseUrl: 'https://open.feishu.cn/open-apis', tokenEndpointAuthMethod: 'client_secret_post', subjectClaim: 'open_id' });
  });

  it("moves every host to larksuite.com for Lark, and takes the two domains alone", () => {
    const lark = feishu.settings({ domain: 'LarkSuite.com' });
    expect(lark.endpoints?.authorizationEndpoint).toBe('https://accounts.larksuite.com/open-apis/authen/v1/authorize');
    expect(lark.endpoints?.tokenEndpoint).toBe('https://open.larksuite.com/open-apis/authen/v2/oauth/token');
    expect(lark.apiBaseUrl).toBe('https://open.larksuite.com/open-apis');
    for (const domain of FEISHU_DOMAINS) expect(presetDomainProblem('feishu', domain.toUpperCase())).toBeUndefined();
    for (const domain of ['open.feishu.cn', 'larksuite.cn', 'larkoffice.com']) expect(presetDomainProblem('feishu', domain)).toContain("is not Feishu's or Lark's domain");
  });
});

describe('feishu tokenRequest: the token request as JSON', () => {
  it('sends the form’s members, the client among them, as a JSON body', () => {
    const body = new URLSearchParams({ grant_type: 'authorization_code', code: 'c1', redirect_uri: 'https://app.example/cb', client_id: 'cli_a', client_secret: 's' });
    const sent = tokenRequest!({ body, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' } });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'authorization_code', code: 'c1', redirect_uri: 'https://app.example/cb', client_id: 'cli_a', client_secret: 's' });
    expect(sent.headers).toEqual({ accept: 'application/json', 'content-type': 'application/json' });
  });
});

describe('feishu tokenResponse: a refusal sent with HTTP 200 made RFC 6749’s', () => {
  const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it.each([
    ['invalid_grant', 400],
    ['invalid_client', 401],
    ['server_error', 500],
    ['invalid_request', 400],
  ])('%s with HTTP 200 becomes HTTP %i, its members kept', async (error, status) => {
    const body = { code: 20050, error, error_description: 'refused' };
    const rebuilt = await tokenResponse!(answer(200, body));
    expect(rebuilt.status).toBe(status);
    expect(await rebuilt.json()).toEqual(body);
  });

  it('tokens, and a refusal already sent with its status, are left as they came', async () => {
    const tokens = { code: 0, access_token: 'u-1', expires_in: 7200, token_type: 'Bearer', scope: 'offline_access' };
    const kept = await tokenResponse!(answer(200, tokens));
    expect(kept.status).toBe(200);
    expect(await kept.json()).toEqual(tokens);
    const refused = await tokenResponse!(answer(400, { code: 20003, error: 'invalid_grant' }));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ code: 20003, error: 'invalid_grant' });
  });
});

describe('feishu tokenRejected: the API’s codes for a token it does not take', () => {
  const answer = (body: unknown) => new Response(JSON.stringify(body), { status: 400, headers: { 'content-type': 'application/json' } });

  it('99991668 and 99991677 are the token refused; another code, or a body that is not JSON, is not', async () => {
    expect(await tokenRejected!(answer({ code: 99991668, msg: 'Invalid access token for authorization. Please make a request with token attached.' }))).toBe(true);
    expect(await tokenRejected!(answer({ code: 99991677, msg: 'token expired' }))).toBe(true);
    expect(await tokenRejected!(answer({ code: 99991672, msg: 'Access denied. One of the following scopes is required' }))).toBe(false);
    expect(await tokenRejected!(answer({ code: '99991668' }))).toBe(false);
    expect(await tokenRejected!(new Response('<h1>Bad Request</h1>', { status: 400 }))).toBe(false);
  });
});

describe('feishu profileClaims: user_info’s data', () => {
  it('takes open_id, union_id, the name, the avatar, the e-mail and the tenant', () => {
    const data = { name: '张三', en_name: 'San Zhang', avatar_url: 'https://example.com/a.png', open_id: 'ou_1', union_id: 'on_1', email: 'zhang@example.com', tenant_key: '736588c9', user_id: '5d9bdxxx' };
    expect(profileClaims!({ code: 0, msg: 'success', data })).toEqual({ open_id: 'ou_1', union_id: 'on_1', name: '张三', picture: 'https://example.com/a.png', email: 'zhang@example.com', tenant_key: '736588c9' });
  });

  it('names the person by the English name when there is no other, and leaves out what is empty', () => {
    expect(profileClaims!({ code: 0, data: { open_id: 'ou_2', name: ' ', en_name: 'Solo', email: '' } })).toEqual({ open_id: 'ou_2', name: 'Solo' });
  });

  it.each([[{ code: 0, data: { union_id: 'on_1' } }], [{ code: 99991668, msg: 'Invalid access token', data: { open_id: 'ou_1' } }], [{ open_id: 'ou_1' }], [null], [[{ code: 0 }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
