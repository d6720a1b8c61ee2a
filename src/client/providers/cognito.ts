/**
 * Amazon Cognito user pools as an OpenID provider (OpenID Connect with
 * discovery). From Cognito's docs:
 * - `<NAME>_USER_POOL_ID` (`us-east-1_AbCdEf123`) gives the issuer
 *   `https://cognito-idp.{region}.amazonaws.com/{userPoolId}`, the region
 *   being the part of the id before the underscore, whose
 *   `/.well-known/openid-configuration` names the endpoints and
 *   `/.well-known/jwks.json` the keys
 *   (https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints.html).
 *   That is a pool's original issuer; one set to the updated issuer
 *   (`https://issuer-cognito-idp.{region}.amazonaws.com/{userPoolId}`, which
 *   Cognito recommends, https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_IssuerConfigurationType.html)
 *   takes `<NAME>_ISSUER` set to it, as the ID tokens name it;
 *   the OAuth endpoints exist only once the pool has a domain, a prefix
 *   domain (`{prefix}.auth.{region}.amazoncognito.com`) or a custom one
 *   (`auth.example.com`), and are on it: `/oauth2/authorize`,
 *   `/oauth2/token`, `/oauth2/userInfo` and `/oauth2/revoke`
 *   (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-reference-endpoints.html).
 *   `<NAME>_DOMAIN`, that domain, puts the four endpoints there whatever
 *   discovery says (a pool with both domains, or a discovery document
 *   without one of them), and is the API base: calls go to its
 *   `/oauth2/userInfo`; without it, the API base is `<NAME>_API_BASE_URL`
 *   alone (an API Gateway with a Cognito authorizer, say). Another issuer
 *   (a stand-in, another partition): `<NAME>_ISSUER` alone;
 * - scopes `openid email profile`, each allowed on the app client; no
 *   `offline_access` (Cognito does not know it): the authorization code
 *   grant always answers a refresh token. `aws.cognito.signin.user.admin`,
 *   which lets the access token change the user's own attributes through the
 *   user pools API, is left out; `<NAME>_SCOPE` adds it, or a resource
 *   server's custom scopes. PKCE (S256) and the nonce are sent
 *   (https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html);
 * - an app client with a secret authenticates at the token and revocation
 *   endpoints with Basic (https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html,
 *   https://docs.aws.amazon.com/cognito/latest/developerguide/revocation-endpoint.html);
 *   an access token lives 1 hour by default (5 minutes to a day as the app
 *   client says);
 * - a refresh token ends 30 days after the sign-in by default (60 minutes to
 *   10 years as the app client says), and using it does not extend that;
 *   a refresh answers new ID and access tokens and no refresh token, the
 *   held one being kept; with refresh token rotation on (an app client
 *   setting since 2025) it answers a new one, valid for what was left of the
 *   old, which ends after a grace period of 0 to 60 seconds
 *   (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html).
 *   Either way the core keeps what the answer carries; no keep-alive helps,
 *   and after those 30 days the connection needs signing in again;
 * - the person is `sub`, the user's id (`cognito:username` may be the same
 *   or a user name); `/oauth2/userInfo` answers the attributes the scopes
 *   allow, with `email_verified` as the string "true" or "false", read as
 *   the boolean it stands for, and a token it does not take with 401
 *   `WWW-Authenticate: Bearer error="invalid_token"`
 *   (https://docs.aws.amazon.com/cognito/latest/developerguide/userinfo-endpoint.html);
 * - `/oauth2/revoke` (RFC 7009) takes the refresh token only, and ends it
 *   with every access and ID token it issued; it needs token revocation
 *   enabled on the app client (the default for a new one),
 *   else it answers 400 `invalid_request`. An access token is answered 400
 *   `unsupported_token_type`, which after the refresh token's revocation
 *   counts as revoked (https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html).
 * Not checked against Cognito's own pages: which endpoints the discovery
 * document lists (the revocation endpoint among them) with a custom domain
 * and without; that the region is always the id's part before the
 * underscore (every documented pool id is written so); the 5 minutes a code
 * lives; the status of an
 * `invalid_client` answer of the token endpoint (400 is assumed) and of the
 * error the authorization endpoint redirects with when a federated
 * provider refuses (`access_denied` is assumed).
 */
import type { ProviderPreset } from './preset.js';

export const cognito: ProviderPreset = {
  displayName: 'Amazon Cognito',
  values: { userPoolId: 'issuer', domain: 'optional' },
  settings: ({ userPoolId, domain }) => {
    const pool = userPoolId ?? '';
    const region = pool.slice(0, Math.max(pool.indexOf('_'), 0));
    const onDomain = domain
      ? {
          apiBaseUrl: `https://${domain}`,
          metadataOverrides: {
            authorizationEndpoint: `https://${domain}/oauth2/authorize`,
            tokenEndpoint: `https://${domain}/oauth2/token`,
            userinfoEndpoint: `https://${domain}/oauth2/userInfo`,
            revocationEndpoint: `https://${domain}/oauth2/revoke`,
          },
        }
      : {};
    return {
      discovery: { issuer: `https://cognito-idp.${region}.amazonaws.com/${pool}` },
      scope: 'openid email profile',
      tokenEndpointAuthMethod: 'client_secret_basic',
      refreshTokenNeedsConsent: false,
      ...onDomain,
    };
  },
};
