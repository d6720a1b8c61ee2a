import { describe, expect, it } from 'vitest';
import { ProviderUnavailableError } from '../errors.js';
import { AccessTokenRenewalRefused, type AccessTokenRenewalRequest } from '../provider-hooks.js';
import { instagram } from './instagram.js';

const settings = instagram.settings({});
const hooks = settings.hooks!;
const jsonAnswer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A renewal request whose `send` records each URL and answers with `answer()`. */
function renewal(stage: AccessTokenRenewalRequest['stage'], answer: () => Response, apiBaseUrl: string | undefined = settings.apiBaseUrl) {
  const sent: Array<{ url: string; method: string }> = [];
  const request: AccessTokenRenewalRequest = {
    stage,
    accessToken: 'IGAA-live',
    clientId: '990602627938098',
    clientSecret: 'app+secret/1',
    apiBaseUrl,
    send: async (url, init) => {
      sent.push({ url, method: init.method });
      return answer();
    },
  };
  return { request, sent };
}

describe('Instagram preset', () => {
  it('asks for instagram_business_basic, comma-separated', () => {
    expect(settings.scope).toBe('instagram_business_basic');
    expect(hooks.authorizationScope!('instagram_business_basic instagram_business_content_publish')).toBe('instagram_business_basic,instagram_business_content_publish');
  });

  it.each([
    ['flat, with the permissions as an array', `{"access_token":"IGAA1","user_id":8412345678901234,"permissions":["instagram_business_basic","instagram_business_manage_comments"]}`, '8412345678901234'],
    ['wrapped in data, with the permissions comma-separated', `{"data":[{"access_token":"IGAA1","user_id":"17841400000000001","permissions":"instagram_business_basic,instagram_business_manage_comments"}]}`, '17841400000000001'],
    ['flat, with a user_id too large for a JSON number (dropped)', `{"access_token":"IGAA1","user_id":17841400000000001,"permissions":["instagram_business_basic","instagram_business_manage_comments"]}`, undefined],
  ])('reads the code exchange answered %s as RFC 6749 §5.1 says, the permissions as the scope', async (_shape, body, userId) => {
    const answer = await hooks.tokenResponse!(new Response(body, { status: 200, headers: { 'content-type': 'application/json' } }));
    expect(await answer.json()).toEqual({
      access_token: 'IGAA1',
      token_type: 'bearer',
      expires_in: 3600,
      scope: 'instagram_business_basic instagram_business_manage_comments',
      ...(userId ? { user_id: userId } : {}),
    });
  });

  it("rewrites the code exchange's refusals into RFC 6749 §5.2 codes, in either shape", async () => {
    const secret = await hooks.tokenResponse!(jsonAnswer(400, { error_type: 'OAuthException', code: 400, error_message: 'Error validating client secret.' }));
    expect(secret.status).toBe(401);
    expect(await secret.json()).toMatchObject({ error: 'invalid_client' });
    const code = await hooks.tokenResponse!(jsonAnswer(400, { error_type: 'OAuthException', code: 400, error_message: 'Invalid authorization code' }));
    expect(code.status).toBe(400);
    expect(await code.json()).toMatchObject({ error: 'invalid_grant' });
    const graph = await hooks.tokenResponse!(jsonAnswer(400, { error: { message: 'This authorization code has been used', type: 'OAuthException', code: 100 } }));
    expect(await graph.json()).toMatchObject({ error: 'invalid_grant' });
    const outage = await hooks.tokenResponse!(new Response('<h1>Sorry</h1>', { status: 500, headers: { 'content-type': 'text/html' } }));
    expect(outage.status).toBe(500);
  });

  it('at sign-in, exchanges the short-lived token for a long-lived one at the unversioned graph.instagram.com/access_token', async () => {
    const { request, sent } = renewal('sign-in', () => jsonAnswer(200, { access_token: 'IGAA-long', token_type: 'bearer', expires_in: 5_183_944 }));
    expect(await hooks.renewAccessToken!(request)).toEqual({ access_token: 'IGAA-long', token_type: 'bearer', expires_in: 5_183_944 });
    expect(sent).toHaveLength(1);
    const url = new URL(sent[0]!.url);
    expect(`${url.origin}${url.pathname}`).toBe('https://graph.instagram.com/access_token');
    expect(Object.fromEntries(url.searchParams)).toEqual({ grant_type: 'ig_exchange_token', client_secret: 'app+secret/1', access_token: 'IGAA-live' });
    expect(sent[0]!.method).toBe('GET');
  });

  it('afterwards, renews the live token with ig_refresh_token (no client secret sent), at the origin of a configured API base', async () => {
    const { request, sent } = renewal('refresh', () => jsonAnswer(200, { access_token: 'IGAA-renewed', token_type: 'bearer', expires_in: 5_184_000 }), 'http://127.0.0.1:9/v26.0/');
    expect(await hooks.renewAccessToken!(request)).toMatchObject({ access_token: 'IGAA-renewed', expires_in: 5_184_000 });
    const url = new URL(sent[0]!.url);
    expect(`${url.origin}${url.pathname}`).toBe('http://127.0.0.1:9/refresh_access_token');
    expect(Object.fromEntries(url.searchParams)).toEqual({ grant_type: 'ig_refresh_token', access_token: 'IGAA-live' });
  });

  it('a renewal answered with code 190 is refused for good; another refusal, an outage or nonsense is a provider fault', async () => {
    const ended = renewal('refresh', () => jsonAnswer(400, { error: { message: 'Error validating access token: Session has expired', type: 'OAuthException', code: 190, error_subcode: 463 } }));
    await expect(hooks.renewAccessToken!(ended.request)).rejects.toThrow(AccessTokenRenewalRefused);
    await expect(hooks.renewAccessToken!(ended.request)).rejects.toThrow('Session has expired');
    const young = renewal('refresh', () => jsonAnswer(400, { error: { message: 'The access token must be at least 24 hours old', type: 'IGApiException', code: 100 } }));
    await expect(hooks.renewAccessToken!(young.request)).rejects.toMatchObject({ name: 'ProviderUnavailableError', code: 'provider_error' });
    const outage = renewal('refresh', () => new Response('down', { status: 503, headers: { 'retry-after': '120' } }));
    const fault = await hooks.renewAccessToken!(outage.request).catch((error: unknown) => error);
    expect(fault).toBeInstanceOf(ProviderUnavailableError);
    expect((fault as ProviderUnavailableError).retryAfterSeconds).toBe(120);
    for (const body of [null, [], { token_type: 'bearer' }, { access_token: 42 }]) {
      await expect(hooks.renewAccessToken!(renewal('refresh', () => jsonAnswer(200, body)).request)).rejects.toMatchObject({ code: 'provider_bad_response' });
    }
  });

  it.each([
    ['an expired session (190/463)', { type: 'OAuthException', code: 190, error_subcode: 463 }, true],
    ['an app removed (190/458)', { type: 'OAuthException', code: 190, error_subcode: 458 }, true],
    ['a missing permission (10)', { type: 'OAuthException', code: 10 }, false],
    ['an invalid parameter (100)', { type: 'IGApiException', code: 100 }, false],
  ])('reads an API answer with %s as a refused token: %s', async (_what, error, refused) => {
    expect(await hooks.tokenRejected!(jsonAnswer(400, { error }))).toBe(refused);
  });

  it("reads /me as the professional account's user_id, with the name or else the username, and refuses an answer without it", () => {
    expect(hooks.profileClaims!({ id: '26400000000000001', user_id: '17841400000000001', username: 'ada.codes', name: 'Ada' })).toEqual({
      id: '26400000000000001',
      user_id: '17841400000000001',
      username: 'ada.codes',
      name: 'Ada',
    });
    expect(hooks.profileClaims!({ id: '2', user_id: 8412345678901234, username: 'no.name' })).toMatchObject({ user_id: '8412345678901234', name: 'no.name' });
    expect(hooks.profileClaims!({ id: '26400000000000001', username: 'ada.codes' })).toBeUndefined();
    expect(hooks.profileClaims!({ user_id: 'ada.codes' })).toBeUndefined();
    expect(hooks.profileClaims!(null)).toBeUndefined();
  });
});
