/**
 * LinkedIn: Sign In with LinkedIn using OpenID Connect, with discovery at
 * https://www.linkedin.com/oauth/.well-known/openid-configuration (issuer
 * `https://www.linkedin.com/oauth`), scopes `openid profile email`
 * (https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2).
 * The person is the `sub` of the ID token and of userinfo
 * (https://api.linkedin.com/v2/userinfo), a member id specific to the app
 * (the discovery document names `pairwise` subjects). Its departures, from
 * LinkedIn's docs:
 * - the client authenticates with `client_id` and `client_secret` in the
 *   form body only (client_secret_post), and granted scopes come back
 *   comma-separated (https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow,
 *   https://learn.microsoft.com/en-us/linkedin/shared/authentication/token-introspection);
 * - a code it will not redeem is answered 400 `invalid_request` ("Unable to
 *   retrieve access token: … authorization code expired …"), where RFC 6749 §5.2 says `invalid_grant`;
 * - its documented token answers leave out `token_type`, which RFC 6749 §5.1
 *   requires: LinkedIn's tokens are Bearer tokens;
 * - access tokens live 60 days; refresh tokens are issued only to approved
 *   partners, live 365 days from the first authorization, and a refresh does
 *   not renew them (https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens):
 *   the end `refresh_token_expires_in` states stays where it is, so the
 *   keep-alive sweep refreshes such a connection once in its last 7 days and
 *   no more (a refresh cannot move it);
 * - there is no revocation endpoint: a member removes the app in their settings.
 * - its web flow takes neither PKCE (a separate native-client flow,
 *   https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow-native;
 *   a `code_verifier` is refused with 401 `invalid_client`) nor a nonce (its
 *   ID token carries none): the preset turns both off.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import type { ProviderPreset } from './preset.js';

/** LinkedIn's token answers in RFC 6749 §5.1/§5.2 shape: a token type, a space-separated scope, `invalid_grant` for a refused code. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (!fields) return rebuiltAnswer(response, response.status, text);
  const normalised: Record<string, unknown> = { ...fields };
  if (typeof fields.access_token === 'string' && fields.token_type === undefined) normalised.token_type = 'Bearer';
  if (typeof fields.scope === 'string') normalised.scope = fields.scope.split(/[ ,]+/).filter(Boolean).join(' ');
  const description = typeof fields.error_description === 'string' ? fields.error_description : '';
  if (fields.error === 'invalid_request' && /authorization code|refresh token/i.test(description)) {
    normalised.error = 'invalid_grant';
    normalised.linkedin_error = 'invalid_request';
  }
  return rebuiltAnswer(response, response.status, JSON.stringify(normalised), 'application/json');
}

export const linkedin: ProviderPreset = {
  displayName: 'LinkedIn',
  settings: () => ({
    discovery: { issuer: 'https://www.linkedin.com/oauth' },
    scope: 'openid profile email',
    apiBaseUrl: 'https://api.linkedin.com',
    // The versioned APIs under /rest take `LinkedIn-Version: YYYYMM` and the Rest.li protocol version on every call
    // (https://learn.microsoft.com/en-us/linkedin/marketing/versioning,
    // https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/protocol-version), and a POST that creates
    // something answers 201 with its id in `x-restli-id` alone
    // (https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api): the proxies pass them.
    proxyHeaders: { request: ['linkedin-version', 'x-restli-protocol-version', 'x-restli-method'], response: ['x-restli-id', 'x-linkedin-id'] },
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    idTokenNonce: false,
    hooks: { tokenResponse },
  }),
};
