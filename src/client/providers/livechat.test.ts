import { describe, expect, it } from 'vitest';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import type { RevocationRequest } from '../provider-hooks.js';
import { livechat } from './livechat.js';

const settings = livechat.settings({});
const { tokenResponse, tokenResponseProfile, revoke } = settings.hooks!;

const jsonAnswer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('livechat settings', () => {
  it('signs in at accounts.livechat.com, exchanges and revokes at /v2/token, asks no scope, sends the client in the form without PKCE, and calls api.livechatinc.com', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://accounts.livechat.com/',
        tokenEndpoint: 'https://accounts.livechat.com/v2/token',
        revocationEndpoint: 'https://accounts.livechat.com/v2/token',
      },
      scope: '',
      apiBaseUrl: 'https://api.livechatinc.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'account_id',
    });
    expect(settings.endpoints?.userinfoEndpoint).toBeUndefined();
    expect(livechat.values).toBeUndefined();
  });
});

describe('livechat tokenResponse: the comma-separated scope of the token answer', () => {
  it('reads the granted scopes back space-separated, the rest of the answer as it came', async () => {
    const tokens = { access_token: 'dal:test_YTJQ6GDVgQf8kQDPw', account_id: 'b7eff798-f8df-4364-8059-649c35c9ed0c', expires_in: 28800, organization_id: '390e44e6-f1e6-4a2b-9c3d-74a14508c2e0', refresh_token: 'dal:test_gfalskcakg2347o8326', scope: 'chats--all:ro, chats--all:rw', token_type: 'Bearer' };
    expect(await (await tokenResponse!(jsonAnswer(200, tokens))).json()).toEqual({ ...tokens, scope: 'chats--all:ro chats--all:rw' });
  });

  it('leaves a single scope, a refusal and an outage as they came', async () => {
    const single = { access_token: 'a', token_type: 'Bearer', scope: 'chats--my:ro' };
    expect(await (await tokenResponse!(jsonAnswer(200, single))).json()).toEqual(single);
    const refused = await tokenResponse!(jsonAnswer(400, { error: 'invalid_grant' }));
    expect({ status: refused.status, body: await refused.json() }).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    expect((await tokenResponse!(new Response('Bad Gateway', { status: 502 }))).status).toBe(502);
  });
});

describe("livechat tokenResponseProfile: the token answer's account_id", () => {
  it('the account id and the organization id, trimmed; never the tokens', () => {
    expect(tokenResponseProfile!({ access_token: 'a', refresh_token: 'r', account_id: ' b7eff798-f8df-4364-8059-649c35c9ed0c ', organization_id: '390e44e6-f1e6-4a2b-9c3d-74a14508c2e0', scope: 'chats--all:ro' })).toEqual({
      account_id: 'b7eff798-f8df-4364-8059-649c35c9ed0c',
      organization_id: '390e44e6-f1e6-4a2b-9c3d-74a14508c2e0',
    });
    expect(tokenResponseProfile!({ account_id: 'b7eff798-f8df-4364-8059-649c35c9ed0c', organization_id: 42 })).toEqual({ account_id: 'b7eff798-f8df-4364-8059-649c35c9ed0c' });
  });

  it.each([[{ access_token: 'a' }], [{ account_id: ' ' }], [{ account_id: 12 }], [{ account_id: null, organization_id: 'o' }]])('finds no one in %j', (body) => {
    expect(tokenResponseProfile!(body)).toBeUndefined();
  });
});

describe('livechat revoke: DELETE /v2/token with the access token as Bearer', () => {
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status, status === 200 ? {} : undefined), { revocationEndpoint: 'https://accounts.livechat.com/v2/token', ...state });

  it('200 is revoked: one request, the access token (whose refresh token ends with it) as Bearer', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://accounts.livechat.com/v2/token');
    expect(sent[0]!.init.method).toBe('DELETE');
    expect(sent[0]!.init.headers.authorization).toBe('Bearer live');
    expect(sent[0]!.init.body).toBeUndefined();
  });

  it('a 401 to a live token is already revoked; a 503 is a fault of LiveChat; no endpoint is a setup error', async () => {
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error', message: 'LiveChat answered HTTP 503 to the token revocation.' });
    await expect(revoke!(request(200, { revocationEndpoint: undefined }).value)).rejects.toThrow('LiveChat revocation needs the revocation endpoint');
  });
});
