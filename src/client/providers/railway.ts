/**
 * Railway ("Login with Railway": an OAuth app made in a workspace's settings,
 * Developer, New OAuth App, as a Web Application). OpenID Connect. From
 * Railway's docs (https://docs.railway.com/integrations/oauth and its pages
 * quickstart, login-and-tokens, scopes-and-user-consent, creating-an-app,
 * authorized-apps and troubleshooting):
 * - Discovery at `https://backboard.railway.com/oauth/.well-known/openid-configuration`
 *   (under /oauth, not at the host's /.well-known); the endpoints are
 *   `/oauth/auth`, `/oauth/token` and `/oauth/me`. PKCE (S256) is
 *   recommended for a web app and sent; a web app's client authenticates as
 *   `client_secret_basic` or `client_secret_post`, and Basic is sent, as the
 *   docs' examples do.
 * - Scopes: `openid` (required), `email`, `profile`, `offline_access`, and
 *   `workspace:viewer|member|admin`, `project:viewer|member`, for which the
 *   person picks the workspaces or projects shared (a workspace scope also
 *   needs `email` and `profile`). `openid email profile offline_access` is
 *   asked; add the workspace or project scope the app's calls need with
 *   `<NAME>_SCOPE`.
 * - A refresh token comes only with `offline_access` and `prompt=consent`
 *   together ("Without it, returning users might skip consent through
 *   automatic approval, and no refresh token would be issued"), so
 *   `prompt=consent` is always sent, and the consent screen always shown.
 * - Tokens: access tokens last one hour; refresh tokens a year from their
 *   issue ("If a user hasn't used your application in over a year … they'll
 *   need to re-authenticate"), so the keep-alive sweep refreshes a connection
 *   unused for that long. Refresh tokens rotate: an answer "may initially
 *   contain the same value, but will eventually return a new token", and the
 *   newest is kept. Presenting a refresh token already rotated out revokes
 *   the whole authorization, so it is never sent again.
 * - The ID token carries no profile claims: the person is `/oauth/me`, whose
 *   `sub` ("unique, stable identifier") is the subject, with `email`
 *   (scope `email`) and `name` and `picture` (scope `profile`). Railway says
 *   nothing of the address being verified, so it is kept as not verified.
 * - The API is GraphQL at `https://backboard.railway.com/graphql/v2`, with the
 *   token as Bearer.
 * - No revocation endpoint is documented: the person revokes the app under
 *   Account Settings, Apps, "Revoke Access", which invalidates all its
 *   tokens at once. Disconnect deletes the tokens here (and uses a
 *   revocation endpoint only if the discovery document names one).
 * Not checked against Railway's own pages: the issuer the discovery document
 * names, the body of a refusal at the token endpoint (RFC 6749 §5.2's is
 * assumed), the error a denied consent goes back with (`access_denied`
 * assumed), and whether the discovery document names a revocation endpoint.
 */
import type { ProviderPreset } from './preset.js';

/** A year, the life of a Railway refresh token from its issue. */
const REFRESH_TOKEN_LIFETIME = 365 * 24 * 60 * 60;

export const railway: ProviderPreset = {
  displayName: 'Railway',
  settings: () => ({
    discovery: { metadataUrl: 'https://backboard.railway.com/oauth/.well-known/openid-configuration' },
    scope: 'openid email profile offline_access',
    // A refresh token is issued only when the consent screen was shown.
    authorizationParams: { prompt: 'consent' },
    apiBaseUrl: 'https://backboard.railway.com',
    tokenEndpointAuthMethod: 'client_secret_basic',
    refreshTokenIdleSeconds: REFRESH_TOKEN_LIFETIME,
  }),
};
