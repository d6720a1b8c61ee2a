/**
 * ClassLink (ClassLink OneClick SSO for schools and districts, an application created in the ClassLink Developer
 * Console). Plain OAuth 2.0 with explicit endpoints; the person is read from ClassLink's `/v2/my/info` with the
 * access token. From ClassLink's own pages:
 * - the person is sent to `https://launchpad.classlink.com/oauth2/v2/auth` with `scope` (required: `email`,
 *   `profile`, `oneroster`, `openid`, `full`), `client_id`, `redirect_uri` (the one the Developer Console assigned),
 *   `response_type=code` and `state`; one who declines comes back with `error=access_denied`
 *   (https://developer.classlink.com/docs/requesting-access). `profile` is asked, as ClassLink's own sample does;
 * - the code is exchanged by a POST to `https://launchpad.classlink.com/oauth2/v2/token`, form-encoded, with the
 *   `code`, `client_id` and `client_secret` in the body; the answer is `access_token`, `token_type: "Bearer"`,
 *   `response_type: "code"` and an `id_token`, with no `expires_in` and no refresh token; a code expires after five
 *   minutes and an access token is good for 24 hours (https://developer.classlink.com/docs/obtaining-bearer-tokens,
 *   https://support.classlink.com/hc/en-us/articles/360059327593-Obtaining-Bearer-Tokens). As nothing says when the
 *   token ends, it is kept without an expiry; when ClassLink stops taking it, the connection needs a new sign-in;
 * - the `id_token` (its `iss` `https://launchpad.classlink.com`) comes whether or not `openid` was asked; ClassLink's
 *   pages name no signing keys or discovery for it, so it is dropped unread (idTokenUnused) and the person read from
 *   the API (https://developer.classlink.com/docs/obtaining-bearer-tokens);
 * - the API is `https://nodeapi.classlink.com`, the token as Bearer; `GET /v2/my/info` answers the person:
 *   `UserId` (unique within ClassLink: the subject), `TenantId` and `Tenant` (the district), `DisplayName`,
 *   `FirstName`, `LastName`, `Email`, `LoginId` (the Active Directory user name where there is one), `Role`
 *   (Student, Teacher, Tenant Administrator) and `SourcedId` (the OneRoster id, when the district has OneRoster)
 *   (https://developer.classlink.com/docs/accessing-user-data).
 * Not checked against ClassLink's own pages, which do not say them: whether the token endpoint takes HTTP Basic
 * (the form is sent, as its page shows); whether PKCE is taken (none is sent); the status and body of a refused
 * token request (RFC 6749 §5.2's is assumed); whether `/v2/my/info`'s e-mail is verified (kept as not known to be;
 * the dropped ID token says `email_verified`); revocation (ClassLink documents none: disconnect deletes the token
 * here).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers } from './profile-text.js';

/** A whole number of `/v2/my/info` (ClassLink answers its ids as numbers), or undefined. */
function wholeNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/**
 * The person of `/v2/my/info`: `UserId` as the subject, `DisplayName` (else `FirstName` and `LastName`) as the name,
 * the e-mail, `LoginId` as the preferred username, and the district (`TenantId`, `Tenant`), `Role` and `SourcedId`;
 * an answer without a UserId names no one.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const info = objectOf(body);
  const userId = wholeNumber(info?.UserId);
  if (!info || userId === undefined) return undefined;
  const tenantId = wholeNumber(info.TenantId);
  const name = joinedName(info.DisplayName) ?? joinedName(info.FirstName, info.LastName);
  return {
    UserId: userId,
    ...(tenantId === undefined ? {} : { TenantId: tenantId }),
    ...textMembers({ name, email: info.Email, preferred_username: info.LoginId, Tenant: info.Tenant, Role: info.Role, SourcedId: info.SourcedId }),
  };
}

export const classlink: ProviderPreset = {
  displayName: 'ClassLink',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://launchpad.classlink.com/oauth2/v2/auth',
      tokenEndpoint: 'https://launchpad.classlink.com/oauth2/v2/token',
      userinfoEndpoint: 'https://nodeapi.classlink.com/v2/my/info',
    },
    scope: 'profile',
    apiBaseUrl: 'https://nodeapi.classlink.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    idTokenUnused: true,
    subjectClaim: 'UserId',
    hooks: { profileClaims },
  }),
};
