/**
 * LemonLDAP::NG (self-run; its portal as an OpenID Connect provider, with
 * discovery). `<NAME>_BASE_URL` is the portal URL: the issuer is the
 * configuration's `portal` as it is, which LemonLDAP::NG's own default
 * configuration writes with a trailing slash (`http://auth.example.com/`), so
 * the issuer is `<base>/`; a portal set without the slash, or an Issuer
 * identifier set in the OpenID Connect service: `<NAME>_ISSUER`. The
 * endpoints are under `<base>/oauth2/`
 * (https://lemonldap-ng.org/documentation/2.0/idpopenidconnect.html), and calls
 * go there by default (userinfo); with `<NAME>_ISSUER` alone, set
 * `<NAME>_API_BASE_URL` too (`<portal>/oauth2` for its userinfo).
 * The person is `sub`, the login (the relying party's "User attribute"
 * setting); name and e-mail come from userinfo, through the relying party's
 * exported attributes. A refresh token comes with `offline_access`, which
 * the relying party must allow ("Allow offline access"), and which
 * LemonLDAP::NG grants only with prompt=consent (OpenID Connect Core §11) or
 * with consent bypassed for the relying party, so the core sends
 * prompt=consent. A refresh answers no new refresh token: the one kept stays
 * good. Access tokens live one hour by default, offline sessions 30 days
 * (oidcServiceOfflineSessionExpiration).
 * The discovery document names no revocation endpoint (LemonLDAP::NG 2.16 has
 * none), so disconnect revokes nothing there; it says
 * backchannel_logout_supported: false.
 * LemonLDAP::NG 2.16 departs from RFC 6749 twice, neither said in its
 * documentation: both were found against the Debian package
 * (test/interop/lemonldap.test.ts) and in its source
 * (Lemonldap/NG/Portal/Lib/OpenIDConnect.pm, Issuer/OpenIDConnect.pm):
 * - it reads the client's Basic credentials as they are, not form-decoded
 *   (RFC 6749 §2.3.1), and only up to the first `+`, `/` or `=` of their base64
 *   (it matches `Basic (\w+)`), so a secret whose Basic value has one of
 *   those is refused whatever its encoding. `client_secret_post` is sent
 *   instead, which its discovery offers and it reads as the RFC says;
 * - it refuses a refresh token it does not know (expired, or its session
 *   deleted) with §5.2's `invalid_request`, not `invalid_grant`. Its token
 *   endpoint answers `invalid_request` otherwise only to a request missing the
 *   code or the refresh token, which the core always sends, so an
 *   `invalid_request` from it is read as `invalid_grant`: the connection needs
 *   a new sign-in.
 * Not checked: whether using an offline refresh token extends its 30 days
 * (the keep-alive sweep is left off); releases other than 2.16.
 */
import { rebuiltAnswer } from '../provider-hooks.js';
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

/** LemonLDAP::NG's `invalid_request` for a refresh token it does not know is RFC 6749 §5.2's `invalid_grant`. */
async function tokenResponse(response: Response): Promise<Response> {
  if (response.status !== 400) return response;
  const text = await response.text();
  let error: unknown;
  try {
    error = (JSON.parse(text) as { error?: unknown } | null)?.error;
  } catch {
    error = undefined;
  }
  if (error !== 'invalid_request') return rebuiltAnswer(response, response.status, text);
  return rebuiltAnswer(
    response,
    400,
    JSON.stringify({ error: 'invalid_grant', error_description: 'LemonLDAP::NG refused the grant (invalid_request: the refresh token is unknown to it)' }),
    'application/json',
  );
}

export const lemonldap: ProviderPreset = {
  displayName: 'LemonLDAP::NG',
  values: { baseUrl: 'issuer' },
  settings: ({ baseUrl }) => {
    const portal = withoutTrailingSlash(baseUrl ?? '');
    return {
      discovery: { issuer: `${portal}/` },
      scope: 'openid profile email offline_access',
      // Not the issuer but below it: with `<NAME>_ISSUER` alone, `<NAME>_API_BASE_URL` says where.
      ...(baseUrl ? { apiBaseUrl: `${portal}/oauth2` } : {}),
      tokenEndpointAuthMethod: 'client_secret_post',
      hooks: { tokenResponse },
    };
  },
};
