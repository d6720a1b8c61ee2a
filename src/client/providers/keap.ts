/**
 * Keap (formerly Infusionsoft; the Keap REST API, for an app registered in
 * the Keap Developer Portal). Plain OAuth 2.0 with explicit endpoints: no
 * discovery, no ID token. From Keap's docs:
 * - `GET https://accounts.infusionsoft.com/app/oauth/authorize` with
 *   `client_id`, `redirect_uri` (HTTPS, registered with the app),
 *   `response_type=code` and `scope=full`, the only scope there is; the
 *   person is sent back with `code`
 *   (https://developer.keap.com/getting-started-oauth-keys/);
 * - `POST https://api.infusionsoft.com/token`, a form
 *   (`application/x-www-form-urlencoded`): the code exchange sends
 *   `client_id`, `client_secret`, `code`, `grant_type=authorization_code`
 *   and `redirect_uri` in the form, while a refresh sends
 *   `grant_type=refresh_token` and `refresh_token` with the client as HTTP
 *   Basic (`Authorization: Basic base64(client_id:client_secret)`); the
 *   answer is `access_token`, `expires_in`, `refresh_token` and more, and
 *   each refresh answers a new access token and refresh token pair, the
 *   refresh token being rotated (same page). The tokenRequest hook moves the
 *   client from a refresh's form into Basic;
 * - the API is `https://api.infusionsoft.com/crm/rest` with the token as
 *   Bearer; the person is `GET /v1/oauth/connect/userinfo`, "as outlined by
 *   the OpenID Connect specification": `sub`, `global_user_id` (an
 *   integer, the Keap user across every Keap app; the subject here),
 *   `given_name`, `family_name`, `middle_name`, `preferred_name`, `email`,
 *   `infusionsoft_id` (the Keap app, `xy123.infusionsoft.com`) and
 *   `is_admin` (Keap's REST v1 OpenAPI document,
 *   https://developer.infusionsoft.com/docs/rest/, "Retrieve User Info");
 * - Keap documents no revocation endpoint: disconnect deletes the tokens
 *   here and says they were not revoked at Keap.
 * From Keap's developer forum, answered by Keap's staff
 * (https://integration.keap.com/t/how-to-get-access-token/86529,
 * https://integration.keap.com/t/invalid-refresh-token/82597): access tokens
 * live 24 hours and refresh tokens 45 days, so the keep-alive sweep
 * refreshes a connection left unused for 38 days; and a refresh token Keap
 * no longer takes is answered 400 `invalid_request` with the description
 * "Invalid Refresh Token", which the tokenResponse hook answers as RFC 6749
 * §5.2's `invalid_grant` (a refresh token that is invalid, expired or
 * revoked), so that the connection asks the person to sign in again rather
 * than retrying.
 * Not checked against Keap's own pages: whether the code exchange also takes
 * Basic, or a refresh the form (each is sent as Keap documents it); the
 * answer's `scope` member (kept as sent); whether `sub` equals
 * `global_user_id` (the latter is the subject); whether the e-mail is
 * verified (kept as not known to be); whether PKCE is taken (none is sent);
 * the body of the other refusals (RFC 6749 §5.2's `error` is assumed).
 */
import { plainBasicAuthorization, readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/**
 * openid-client's form as it is for the code exchange; for a refresh, `client_id` and `client_secret` taken out of
 * the form and sent as HTTP Basic, as Keap documents its refresh request.
 */
function tokenRequest(request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } {
  const form = new URLSearchParams(request.body);
  const clientId = form.get('client_id');
  const clientSecret = form.get('client_secret');
  if (form.get('grant_type') !== 'refresh_token' || clientId === null || clientSecret === null) return { body: form.toString(), headers: request.headers };
  form.delete('client_id');
  form.delete('client_secret');
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
  return { body: form.toString(), headers: { ...headers, authorization: plainBasicAuthorization(clientId, clientSecret) } };
}

/** Keap's 400 `invalid_request` "Invalid Refresh Token" as `invalid_grant`, its description kept; every other answer as it is. */
async function tokenResponse(response: Response): Promise<Response> {
  if (response.status !== 400) return response;
  const { text, fields } = await readTokenEndpointBody(response);
  const description = typeof fields?.error_description === 'string' ? fields.error_description : '';
  if (fields?.error !== 'invalid_request' || !/^invalid refresh token$/i.test(description.trim())) return rebuiltAnswer(response, 400, text);
  return rebuiltAnswer(response, 400, JSON.stringify({ ...fields, error: 'invalid_grant' }), 'application/json');
}

/**
 * The user of `/v1/oauth/connect/userinfo`: `global_user_id` (an integer), the given and family names (joined as
 * the name), the e-mail and the Keap app (`infusionsoft_id`); an answer without a numeric global user id names no one, and the
 * sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = user?.global_user_id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return undefined;
  const given = trimmedText(user!.given_name);
  const family = trimmedText(user!.family_name);
  const email = trimmedText(user!.email);
  const app = trimmedText(user!.infusionsoft_id);
  return {
    global_user_id: id,
    ...textMembers({ given_name: given, family_name: family, email, infusionsoft_id: app }),
  };
}

export const keap: ProviderPreset = {
  displayName: 'Keap',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://accounts.infusionsoft.com/app/oauth/authorize',
      tokenEndpoint: 'https://api.infusionsoft.com/token',
      userinfoEndpoint: 'https://api.infusionsoft.com/crm/rest/v1/oauth/connect/userinfo',
    },
    scope: 'full',
    apiBaseUrl: 'https://api.infusionsoft.com/crm/rest',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'global_user_id',
    refreshTokenIdleSeconds: 45 * 86_400,
    hooks: { tokenRequest, tokenResponse, profileClaims },
  }),
};
