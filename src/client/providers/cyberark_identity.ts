/**
 * CyberArk Identity (formerly Idaptive) as an OpenID Connect provider: a custom OpenID Connect application in a
 * tenant's Identity Administration portal. `<NAME>_DOMAIN` is the tenant URL's host (`mytenant.idaptive.app`),
 * `<NAME>_APPLICATION_SLUG` the Application ID entered on the application's Settings page, which names every endpoint
 * of that application (https://docs.cyberark.com/Idaptive/Latest/en/Content/Applications/AppsCustom/OpenIDAddConfigApp.htm).
 * From CyberArk's developer documentation:
 * - `GET https://<tenant>/oauth2/authorize/<application id>` with `response_type=code`, `client_id`, `redirect_uri`
 *   and `scope`; the person signs in on the tenant's login page and is sent back with the code
 *   (https://docs.cyberark.com/Idaptive/Latest/en/Content/Developer/oidc/auth-code-flow.htm,
 *   https://identity-developer.cyberark.com/docs/authorization-code-flow). `openid profile email` is asked: `profile`
 *   and `email` bring the standard claims (https://docs.cyberark.com/Idaptive/Latest/en/Content/Developer/oidc/claims.htm);
 * - `POST https://<tenant>/oauth2/token/<application id>`, a form: the code exchange's sample carries only
 *   `grant_type`, `code` and `redirect_uri` in its body (the client goes in the Authorization header), and the
 *   revocation page has the client as HTTP Basic, so Basic is sent to both
 *   (https://identity-developer.cyberark.com/docs/refresh-tokens, https://identity-developer.cyberark.com/docs/revoke-tokens).
 *   PKCE is documented for public applications, in place of a secret
 *   (https://identity-developer.cyberark.com/docs/openid-connect-_new), so none is sent with the secret;
 * - refresh tokens come only when the application is set to issue them; the token answer then holds `id_token`,
 *   `refresh_token`, `access_token`, `token_type: "Bearer"`, `expires_in` (18000 in the samples: 5 hours) and
 *   `scope`, and a refresh (`grant_type=refresh_token` at the same URL) answers a new access token alone, so the
 *   refresh token kept is used again
 *   (https://docs.cyberark.com/identity/Latest/en/Content/Developer/oidc/tokens/refresh-tokens.htm,
 *   https://identity-developer.cyberark.com/docs/refresh-tokens);
 * - the person is `sub`, the user's UUID, which CyberArk describes as locally unique and never reassigned within the
 *   issuer, `<tenant URL>/<application id>/`; `unique_name` is the username
 *   (https://docs.cyberark.com/identity/Latest/en/Content/Developer/oidc/tokens/id-tokens.htm). Unique within one
 *   tenant, it is qualified by the tenant's host, `<sub>@<host>`. It is read from the user info,
 *   `POST https://<tenant>/oauth2/userinfo/<application id>` with the access token as Bearer, whose sample answer
 *   has the same `sub` with `name`, `given_name`, `family_name`, `preferred_username`, `unique_name`, `email` and
 *   `email_verified` (https://identity-developer.cyberark.com/docs/userinfo-endpoint). Its claims page says
 *   `given_name` and `family_name` both hold the full name, so they are kept only where they differ from it, and
 *   types `email_verified` as a string, so `"true"` and `"false"` are read as the booleans. The ID token is dropped
 *   unread (idTokenUnused): the pages name no signing keys or discovery document for it;
 * - disconnect revokes at `POST https://<tenant>/oauth2/revoke/<application id>` (`token` in a form, the client as
 *   Basic; 200 also for a token already invalid), which takes ID, access and refresh tokens alike
 *   (https://identity-developer.cyberark.com/docs/revoke-tokens);
 * - the API base is `https://<tenant>/oauth2`, where the user info is.
 * Not checked against CyberArk's pages: whether the token endpoint takes the client in the form for a code exchange
 *   (the refresh sample sends it there; Basic is sent here); whether it form-decodes Basic's id and secret (RFC 6749
 *   §2.3.1): they are sent as they are, a client ID being a UUID (the user info sample's `aud`), whose hyphens that
 *   encoding would change; the characters an Application ID may hold (the `<NAME>_APPLICATION_SLUG` pattern, letters,
 *   digits, `-` and `_`, is applied); whether the user info answers a GET (only its POST is shown, so the preset
 *   POSTs); the user info's basic sample, which shows the client ID as `sub` and the user UUID as `aud` where the ID
 *   token page and the scoped sample have them the other way (those are followed); the refusals of the token, user
 *   info and revocation endpoints (RFC 6749 §5.2's and RFC 6750's assumed); whether a revoked refresh token ends the
 *   access tokens issued with it; that a person who declines comes back with `access_denied`; and whether the user
 *   UUID survives a change of the tenant URL's host (the subject names the host).
 */
import { hostOf, objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** CyberArk's `email_verified`, a boolean or, as its claims page types it, the string `"true"` or `"false"`. */
function verified(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = trimmedText(value)?.toLowerCase();
  return text === 'true' ? true : text === 'false' ? false : undefined;
}

/**
 * The user info as claims: `id` the user's UUID qualified by the tenant's host, `sub` as CyberArk sends it, the name,
 * the given and family names where they are not the full name again, the username and the e-mail with whether it is
 * verified; an answer without a `sub` names no one, and the sign-in fails, as it does for a `sub` that is the app's
 * client ID (the user info's basic sample has the two swapped: were an answer so, every person would be one account).
 */
export function userinfoClaims(tenantHost: string, clientId: string): (body: unknown) => Record<string, unknown> | undefined {
  return (body) => {
    const user = objectOf(body);
    const sub = trimmedText(user?.sub);
    if (!user || !sub || sub === clientId) return undefined;
    const name = trimmedText(user.name);
    const part = (value: unknown) => (trimmedText(value) === name ? undefined : value);
    const email = trimmedText(user.email);
    const emailVerified = email ? verified(user.email_verified) : undefined;
    return {
      id: `${sub}@${tenantHost}`,
      sub,
      ...textMembers({ name, given_name: part(user.given_name), family_name: part(user.family_name), preferred_username: user.preferred_username, email }),
      ...(emailVerified === undefined ? {} : { email_verified: emailVerified }),
    };
  };
}

export const cyberark_identity: ProviderPreset = {
  displayName: 'CyberArk Identity',
  values: { domain: 'required', applicationSlug: 'required' },
  settings: ({ domain, applicationSlug }, client) => {
    const tenant = `https://${domain ?? ''}`;
    const application = encodeURIComponent(applicationSlug ?? '');
    return {
      endpoints: {
        authorizationEndpoint: `${tenant}/oauth2/authorize/${application}`,
        tokenEndpoint: `${tenant}/oauth2/token/${application}`,
        userinfoEndpoint: `${tenant}/oauth2/userinfo/${application}`,
        revocationEndpoint: `${tenant}/oauth2/revoke/${application}`,
      },
      scope: 'openid profile email',
      apiBaseUrl: `${tenant}/oauth2`,
      tokenEndpointAuthMethod: 'client_secret_basic',
      // As they are: a client ID is a UUID, whose hyphens RFC 6749 §2.3.1's encoding would turn into `%2D`.
      basicCredentials: 'plain',
      pkce: false,
      idTokenUnused: true,
      // The user info is documented as a POST with the token as Bearer; it reads no body.
      userinfoPostJson: {},
      subjectClaim: 'id',
      hooks: { profileClaims: userinfoClaims(hostOf(tenant), client?.clientId ?? '') },
    };
  },
};
