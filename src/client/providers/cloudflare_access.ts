/**
 * Cloudflare Access as the OpenID provider of a SaaS application (Access for SaaS, OIDC). `<NAME>_DOMAIN` is the
 * Zero Trust organization's team domain, `<team>.cloudflareaccess.com`; each application has its own issuer under it,
 * named by its client id, `https://<team>.cloudflareaccess.com/cdn-cgi/access/sso/oidc/<client-id>`, with
 * `/authorization`, `/token`, `/userinfo` and `/jwks` below it
 * (https://developers.cloudflare.com/cloudflare-one/applications/configure-apps/saas-apps/generic-oidc-saas/).
 * - The application is added in Zero Trust (Access, Applications, SaaS, OIDC), the callback among its Redirect URLs;
 *   it shows the Client ID and Client secret. Like every Access application it denies by default: only people an
 *   Allow policy matches sign in, the others are shown Access's block page and never sent back (same page).
 * - The scopes: `openid` (required: "a unique identifier for the user"), `email` (the user's e-mail) and `profile`
 *   (the custom OIDC claims from the identity provider), each one the application lists; `offline_access` is asked
 *   too, which Access enables when the application's grant types include refresh tokens (Cloudflare's API reference
 *   for Access applications, an OIDC SaaS application's `scopes` and `grant_types`:
 *   https://developers.cloudflare.com/api/resources/zero_trust/subresources/access/subresources/applications/methods/create/).
 *   An application without refresh tokens: `<NAME>_SCOPE=openid email profile`. PKCE S256 is sent, which the
 *   application may require (its "Proof of Key Exchange (PKCE)" switch).
 * - The person is `sub`, the user's ID, which Cloudflare makes "unique to an email address per account"
 *   (https://developers.cloudflare.com/cloudflare-one/identity/authorization-cookie/application-token/): as it is
 *   unique only within one Zero Trust organization, the subject is it qualified by the team domain,
 *   `<sub>@<team>.cloudflareaccess.com`, read from userinfo ("returns all user claims in JSON format") with the
 *   access token; the ID token is not relied on, as the subject it names is not this qualified one. The e-mail is
 *   kept with its verification unknown, and a name only when the identity provider's claims carry one.
 * - Access tokens live the application's "Access token lifetime" (1 minute to 24 hours); when one ends, a refresh
 *   token obtains a new one "after checking the user's identity against your Access policies", so a person no longer
 *   allowed is refused there; a refresh token lives the application's "Refresh token lifetime", which should be
 *   shorter than the organization's global session duration (generic-oidc-saas, "Access token lifetime").
 * - No revocation endpoint is documented: a disconnect deletes the tokens here only.
 * - The API base is the application's issuer (`/userinfo`).
 * Not checked against Cloudflare's own pages: how the client authenticates at the token endpoint (Basic is sent, as
 *   RFC 6749 §2.3.1 has servers take it; an application that takes only the form:
 *   `<NAME>_TOKEN_ENDPOINT_AUTH_METHOD=client_secret_post`), whether a refresh answers a new refresh token and the
 *   used one then stops working, the default lifetimes, whether `email_verified` or a `name` comes in userinfo, the
 *   token endpoint's refusals (RFC 6749 §5.2's codes are what the core reads), and that the OIDC application's `sub`
 *   is the same user ID as the application token's.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * Userinfo as claims: `id` the user's `sub` qualified by the team domain, with the e-mail and whatever names the
 * identity provider's claims carry; an answer without a `sub` names no one, and the sign-in fails.
 */
export function accessUserinfoClaims(teamDomain: string): (body: unknown) => Record<string, unknown> | undefined {
  return (body) => {
    const userinfo = objectOf(body);
    const sub = userinfo ? trimmedText(userinfo.sub) : undefined;
    if (!userinfo || !sub) return undefined;
    return {
      id: `${sub}@${teamDomain}`,
      sub,
      ...textMembers({
        name: trimmedText(userinfo.name) ?? joinedName(userinfo.given_name, userinfo.family_name),
        given_name: userinfo.given_name,
        family_name: userinfo.family_name,
        preferred_username: userinfo.preferred_username,
        email: userinfo.email,
      }),
    };
  };
}

export const cloudflare_access: ProviderPreset = {
  displayName: 'Cloudflare Access',
  values: { domain: 'required' },
  settings: ({ domain }, client) => {
    const teamDomain = (domain ?? '').toLowerCase();
    const issuer = `https://${teamDomain}/cdn-cgi/access/sso/oidc/${encodeURIComponent(client?.clientId ?? '')}`;
    return {
      endpoints: {
        authorizationEndpoint: `${issuer}/authorization`,
        tokenEndpoint: `${issuer}/token`,
        userinfoEndpoint: `${issuer}/userinfo`,
      },
      scope: 'openid email profile offline_access',
      apiBaseUrl: issuer,
      tokenEndpointAuthMethod: 'client_secret_basic',
      idTokenUnused: true,
      subjectClaim: 'id',
      hooks: { profileClaims: accessUserinfoClaims(teamDomain) },
    };
  },
};
