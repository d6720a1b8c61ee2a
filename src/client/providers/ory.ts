/**
 * Ory (Ory Network's OAuth2 & OpenID Connect, or a self-hosted Ory Hydra; with
 * discovery). `<NAME>_BASE_URL` is the issuer exactly as its discovery
 * document names it: an Ory Network project's `https://<slug>.projects.oryapis.com`
 * (or its custom domain), or Hydra's `urls.self.issuer`; `<NAME>_ISSUER`
 * alone also works. Discovery names `/oauth2/auth`, `/oauth2/token`,
 * `/userinfo`, `/oauth2/revoke` (RFC 7009) and `/.well-known/jwks.json`
 * under it (https://www.ory.sh/docs/hydra/reference/api).
 * - The client is an OAuth2 client of the project, confidential, the callback
 *   among its `redirect_uris`, `authorization_code` and `refresh_token` among
 *   its `grant_types`, `code` among its `response_types`, and the scopes below
 *   in its `scope`. Its `token_endpoint_auth_method` is `client_secret_basic`
 *   unless it says otherwise, and the token endpoint takes that method alone,
 *   so Basic is sent; a client made with `client_secret_post`:
 *   `<NAME>_TOKEN_ENDPOINT_AUTH_METHOD=client_secret_post`. PKCE S256 is taken
 *   (https://www.ory.sh/docs/oauth2-oidc/authorization-code-flow).
 * - The scopes: `openid profile email offline_access`. A refresh token comes
 *   only when `offline_access` is asked and granted, which the consent
 *   screen (the Ory Account Experience, or the login and consent app a
 *   self-hosted Hydra runs) grants with the other scopes, so no
 *   `prompt=consent` is sent
 *   (https://www.ory.sh/docs/oauth2-oidc/refresh-token-grant).
 * - The person is `sub`: with Ory's own login (Ory Identities) the identity's
 *   id, a UUID; with a login app of one's own, the subject that app accepts
 *   the login for. The `email` scope gives the identity's first verifiable
 *   address as `email` and `email_verified`; `profile` gives `name` (or
 *   `given_name` and `family_name` from a `name` object), `username` (not
 *   `preferred_username`), `website` and `updated_at`, from the identity's
 *   traits (https://www.ory.sh/docs/oauth2-oidc/openid-connect-claims-scope-custom),
 *   so `username` is read as the username. ID tokens are RS256.
 * - Tokens: access and ID tokens 1 hour, refresh tokens 30 days, codes 10
 *   minutes (https://www.ory.sh/docs/hydra/guides/token-expiration). Every
 *   refresh answers a new refresh token and spends the old one (rotation),
 *   which the core keeps; each new one has its own 30 days, so the keep-alive
 *   sweep renews idle connections (`<NAME>_REFRESH_TOKEN_IDLE_DAYS` for a
 *   project set otherwise). A spent refresh token used again revokes every
 *   token of its chain, unless a `rotation_grace_period` is set
 *   (https://www.ory.sh/docs/oauth2-oidc/refresh-token-grant,
 *   https://www.ory.sh/docs/hydra/guides/graceful-token-refresh).
 * - That reuse is answered HTTP 401 `token_inactive` ("Token is inactive
 *   because it is malformed, expired or otherwise invalid.": Hydra's
 *   fosite, `ErrInactiveToken` in handler/oauth2/flow_refresh.go; the 401 is
 *   what https://github.com/ory/hydra/discussions/3652 reports for Hydra
 *   2.1.1), not RFC 6749 §5.2's `invalid_grant`: it is read as
 *   `invalid_grant`, so the connection needs a new sign-in at once rather
 *   than being retried as a passing fault. A token not found (revoked) or
 *   expired is already `invalid_grant` (same source).
 * - Disconnect revokes at `/oauth2/revoke`, which discovery names.
 * - The API base is the issuer, whose `/userinfo` the access token reads; the
 *   app's own APIs, which take Ory's tokens by introspection:
 *   `<NAME>_API_BASE_URL`.
 * Not checked against a running Ory: whether an Ory Network issuer ends in a
 * slash (the one configured must match the discovery document's exactly; the
 * start-up error names the one it found), the `token_inactive` answer in
 * the newest Hydra releases (some fosite versions answer `invalid_grant` with
 * the hint "The refresh token was already used.", which needs no hook), and
 * the descriptions of the other refusals.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** Hydra's 401 `token_inactive` for a spent refresh token used again, as RFC 6749 §5.2's `invalid_grant`. */
async function tokenResponse(response: Response): Promise<Response> {
  if (response.status !== 401) return response;
  const { text, fields: body } = await readTokenEndpointBody(response);
  if (body?.error !== 'token_inactive') return rebuiltAnswer(response, response.status, text);
  const answer = rebuiltAnswer(response, 400, JSON.stringify({ ...body, error: 'invalid_grant' }), 'application/json');
  answer.headers.delete('www-authenticate');
  return answer;
}

export const ory: ProviderPreset = {
  displayName: 'Ory',
  values: { baseUrl: 'issuer' },
  settings: ({ baseUrl }) => {
    // The issuer as Ory's discovery names it (compared exactly), and the API under it without a trailing slash.
    const issuer = baseUrl ?? '';
    return {
      discovery: { issuer },
      scope: 'openid profile email offline_access',
      ...(baseUrl === undefined ? {} : { apiBaseUrl: withoutTrailingSlash(issuer) }),
      tokenEndpointAuthMethod: 'client_secret_basic',
      // offline_access is granted on the consent screen with the other scopes: no prompt=consent.
      refreshTokenNeedsConsent: false,
      refreshTokenIdleSeconds: 30 * 86_400,
      claimNames: { preferredUsername: 'username' },
      hooks: { tokenResponse },
    };
  },
};
