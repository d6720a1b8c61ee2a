/**
 * Supabase Auth as an OAuth 2.1 and OpenID Connect provider for third-party apps (its OAuth 2.1 Server, in beta):
 * a Supabase project's users sign in to this app. `<NAME>_BASE_URL` is the project's URL
 * (`https://<project-ref>.supabase.co`, or `http://localhost:54321` for the CLI's local stack); the issuer is
 * `<project URL>/auth/v1`. From Supabase's pages:
 * - the server is turned on in the project (Authentication > OAuth Server), the app registered under
 *   Authentication > OAuth Apps as a confidential client with the callback among its redirect URIs, matched exactly;
 *   a confidential client authenticates with `client_secret_basic`, `Authorization: Basic
 *   <base64(client_id:client_secret)>`, unless registered with `client_secret_post`
 *   (`<NAME>_TOKEN_ENDPOINT_AUTH_METHOD=client_secret_post`); the client ids in its examples are UUIDs; ID tokens
 *   need the project's JWT signing keys to be asymmetric (RS256 or ES256)
 *   (https://supabase.com/docs/guides/auth/oauth-server/getting-started);
 * - the endpoints are `/auth/v1/oauth/authorize`, `/auth/v1/oauth/token`, `/auth/v1/oauth/userinfo` and the keys at
 *   `/auth/v1/.well-known/jwks.json`, all named in the OpenID metadata at
 *   `<project URL>/auth/v1/.well-known/openid-configuration`
 *   (https://supabase.com/docs/guides/auth/oauth-server/getting-started,
 *   https://supabase.com/docs/guides/auth/oauth-server/oauth-flows);
 * - the authorization request needs `response_type=code`, `client_id`, `redirect_uri` and PKCE with `S256`; `scope`
 *   (`openid email profile` in Supabase's examples) is not enforced, every token having the user's full access; a
 *   person who declines comes back with `error=access_denied`; the code lasts 10 minutes, once
 *   (https://supabase.com/docs/guides/auth/oauth-server/oauth-flows);
 * - the token answer holds `access_token` (a JWT, an hour by default), `token_type: "bearer"`, `expires_in`,
 *   `refresh_token`, `scope` and, at the code exchange, an `id_token`; a refresh may answer a new refresh token,
 *   which is kept (the same page);
 * - the person is `sub`, the Supabase user's id (a UUID), in the ID token and the userinfo answer beside `email`,
 *   `email_verified`, `phone_number`, `phone_number_verified`, `name` and `picture` (the same page). The id is the
 *   user's in this project; the account is keyed by the project's issuer with it;
 * - calls go under the issuer (`/oauth/userinfo`); the tokens respect the project's Row Level Security policies
 *   (https://supabase.com/docs/guides/auth/oauth-server), so an app calling the project's own APIs sets
 *   `<NAME>_API_BASE_URL`.
 * Not checked against Supabase's pages: whether Basic credentials are read form-encoded (RFC 6749 §2.3.1) or as
 * written (sent as written, as the page writes the formula, so a `-` stays a `-`); a revocation endpoint (none is
 * named: disconnect forgets the tokens here); how a person takes back a grant they gave (the emulator ends all their
 * tokens); whether the spent refresh token still works after a refresh that rotated it (taken as refused); the
 * lifetime of refresh tokens; the issuer of a project served on a custom domain; and the bodies of the token
 * endpoint's and userinfo's refusals (RFC 6749 §5.2's and RFC 6750's are assumed).
 */
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

export const supabase_auth: ProviderPreset = {
  displayName: 'Supabase Auth',
  values: { baseUrl: 'issuer' },
  settings: ({ baseUrl }) => {
    const issuer = `${withoutTrailingSlash(baseUrl ?? '')}/auth/v1`;
    return {
      discovery: { issuer },
      scope: 'openid email profile',
      apiBaseUrl: issuer,
      tokenEndpointAuthMethod: 'client_secret_basic',
      // `base64(client_id:client_secret)` as Supabase writes it, not form-encoded first (which turns each `-` of its UUID client ids into `%2D`).
      basicCredentials: 'plain',
    };
  },
};
