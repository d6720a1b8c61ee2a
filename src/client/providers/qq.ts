/**
 * QQ Connect (a website application created on connect.qq.com, its callback under the application's callback
 * domain; its APP ID and APP Key as the client). OAuth 2.0 with explicit endpoints on graph.qq.com: no discovery,
 * no ID token. From QQ Connect's wiki:
 * - the person is sent to `GET https://graph.qq.com/oauth2.0/authorize` with `response_type=code`, `client_id` (the
 *   APP ID), `redirect_uri` and `state` (all required) and an optional comma-separated `scope`, which defaults to
 *   `get_user_info` when absent, so none is asked; they come back with `code` and `state`, a code that lasts
 *   10 minutes (https://wiki.connect.qq.com/%e4%bd%bf%e7%94%a8authorization_code%e8%8e%b7%e5%8f%96access_token);
 * - the code is exchanged at `https://graph.qq.com/oauth2.0/token`, documented as a GET with its parameters
 *   (`grant_type`, `client_id`, `client_secret` as the APP Key, `code`, `redirect_uri`) in the query, so every
 *   token request is sent so (same page);
 * - the person is `GET https://graph.qq.com/oauth2.0/me` with `access_token`, answered for historical reasons as
 *   JSONP (`callback( {"client_id": …, "openid": …} );`) unless `fmt=json` asks for JSON, which is asked; the
 *   `openid` is the identifier unique to the person on this website or application, meant to be stored to
 *   recognise them at their next sign-in: the subject. An answer naming another `client_id` fails the sign-in
 *   (https://wiki.connect.qq.com/%E8%8E%B7%E5%8F%96%E7%94%A8%E6%88%B7openid_oauth2-0).
 * Not checked against QQ Connect's own pages (the stored token page ends before its answer): the token answer
 * (`access_token`, `expires_in`, `refresh_token`, form-encoded unless `fmt=json`, which is sent on every token
 * request; no `token_type`, read as Bearer), its 3-month lifetime, the refresh (`grant_type=refresh_token` with the
 * client in the query, answering a new refresh token; whether the old one then ends is not said, the newest is
 * kept); the token endpoint's refusals as JSON `error` and `error_description` with `fmt=json`; that the OpenAPI
 * (`https://graph.qq.com/user/get_user_info`…) takes the token as the `access_token` parameter beside
 * `oauth_consumer_key` and `openid`, which callers of the proxy add (the token is sent so on every call); its
 * refusal codes of a token it no longer takes (HTTP 200 with `ret`, not read here); whether PKCE is taken (none is
 * sent); the nickname (get_user_info needs the openid in its query, so no name is read). QQ Connect documents no
 * revocation: disconnect forgets the tokens here.
 */
import { objectOf, type PresetClient, type ProviderPreset } from './preset.js';

/** Asks every token request's answer as JSON (`fmt=json`), not the form-encoded text QQ answers by default. */
function tokenRequest(request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } {
  const body = new URLSearchParams(request.body);
  body.set('fmt', 'json');
  return { body: body.toString(), headers: request.headers };
}

/**
 * The token's owner, as `/oauth2.0/me` names it: `{ openid }` when the answer's `client_id` is this client's APP ID,
 * else no one, and the sign-in fails.
 */
function meClaims(client: PresetClient | undefined) {
  return (body: unknown): Record<string, unknown> | undefined => {
    const me = objectOf(body);
    const openid = me?.openid;
    if (typeof openid !== 'string' || openid.trim() === '' || client === undefined || String(me!.client_id) !== client.clientId) return undefined;
    return { openid };
  };
}

export const qq: ProviderPreset = {
  displayName: 'QQ',
  settings: (_values, client) => ({
    endpoints: {
      authorizationEndpoint: 'https://graph.qq.com/oauth2.0/authorize',
      tokenEndpoint: 'https://graph.qq.com/oauth2.0/token',
      userinfoEndpoint: 'https://graph.qq.com/oauth2.0/me?fmt=json',
    },
    // None: without a scope QQ asks the person for get_user_info, its default.
    scope: '',
    apiBaseUrl: 'https://graph.qq.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    tokenRequestsInQuery: true,
    pkce: false,
    omitsTokenType: true,
    accessTokenParameter: 'access_token',
    subjectClaim: 'openid',
    hooks: { tokenRequest, profileClaims: meClaims(client) },
  }),
};
