/**
 * eBay (an app's keyset from the developer program, its RuName made on the
 * app's User Tokens page with the callback as its "auth accepted URL").
 * Plain OAuth 2.0, the authorization code grant for User access tokens, with
 * explicit endpoints: no discovery, no ID token. From eBay's OAuth guide:
 * - `GET https://auth.ebay.com/oauth2/authorize` with `client_id`,
 *   `redirect_uri`, `response_type=code`, `scope` (space-separated scope
 *   URLs) and an optional `state` (eBay's quick guide to User access
 *   tokens, https://developer.ebay.com/support/kb-article?KBid=5075);
 *   `redirect_uri` is not a URL but the app's RuName, the name eBay gives
 *   the redirect registered on the app, and eBay sends the person to the
 *   URL registered under it
 *   (https://developer.ebay.com/api-docs/static/oauth-redirect-uri.html).
 *   `<NAME>_RUNAME` gives it: the preset sends it as `redirect_uri`
 *   (redirectUriSent) at the authorization and, through its tokenRequest
 *   hook, at the code exchange;
 * - `POST https://api.ebay.com/identity/v1/oauth2/token`, form-encoded, the
 *   client by HTTP Basic of `<client_id>:<client_secret>` Base64-encoded as
 *   they are (not form-encoded first, as RFC 6749 §2.3.1 would), with
 *   `grant_type=authorization_code`, `code` and `redirect_uri` (the RuName
 *   again) (https://developer.ebay.com/api-docs/static/oauth-auth-code-grant-request.html).
 *   The answer is `access_token`, `expires_in` (7200: two hours),
 *   `refresh_token`, `refresh_token_expires_in` (47304000: 18 months) and
 *   `token_type: "User Access Token"`, a token the APIs take as Bearer: the
 *   tokenResponse hook answers `Bearer`;
 * - a refresh is `grant_type=refresh_token` and `refresh_token` (with an
 *   optional `scope`, the original's or fewer), answered with a new access
 *   token and no refresh token: the one refresh token serves until its 18
 *   months are up, and then the person signs in again
 *   (https://developer.ebay.com/api-docs/static/oauth-refresh-token-request.html);
 * - the Sandbox is the same on `auth.sandbox.ebay.com`,
 *   `api.sandbox.ebay.com` and `apiz.sandbox.ebay.com`:
 *   `<NAME>_BASE_URL=https://sandbox.ebay.com` names that environment, the
 *   hosts being `auth.`, `api.` and `apiz.` under it;
 * - the Identity API's `GET https://apiz.ebay.com/commerce/identity/v1/user/`
 *   (scope `commerce.identity.readonly`) answers the user: `userId`, eBay's
 *   immutable id, the subject; `username`, which the person may change;
 *   `accountType` with `individualAccount` (`firstName`, `lastName`, and
 *   `email` with the `commerce.identity.email.readonly` scope) or
 *   `businessAccount` (`name`, `email`)
 *   (the Identity API's OpenAPI document,
 *   https://developer.ebay.com/develop/api/spec/identity_api.json, and
 *   https://developer.ebay.com/develop/api/buy/identity_api.md). The other
 *   APIs are on `https://api.ebay.com`.
 * Not checked against eBay's own pages: the token answers' members and
 * values (`expires_in` 7200, `refresh_token_expires_in` 47304000,
 * `token_type: "User Access Token"`, no `refresh_token` in a refresh's
 * answer: the pages' excerpts at hand stop before their samples; the two
 * hours are on eBay's developer FAQ, https://developer.ebay.com/support/faq,
 * the rest as eBay API clients read
 * them), that `userId` never changes (the Trading API's notes call the id eBay
 * now returns immutable), the members of `individualAccount` and
 * `businessAccount` (their schemas were not at hand), what a declined consent sends back
 * (RFC 6749's `error=access_denied` to the callback assumed, the RuName's
 * declined URL being the callback too), the bodies of the token endpoint's
 * refusals (RFC 6749 §5.2's `error` assumed, `invalid_grant` for a spent
 * code or an ended refresh token), whether the e-mail is verified (stored as
 * unverified), whether PKCE is read (none sent: eBay's request lists its
 * parameters without it), and any revocation endpoint for User access
 * tokens (none found: disconnect deletes the tokens here, and the person
 * ends the app's access in My eBay's account settings).
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { objectOf, withoutTrailingSlash, type PresetValues, type ProviderPreset } from './preset.js';

const SCOPE_BASE = 'https://api.ebay.com/oauth/api_scope';

/** The token answer with `token_type: Bearer`, the scheme eBay's APIs take its "User Access Token" with; anything else as it came. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (!response.ok || !fields || typeof fields.access_token !== 'string') return rebuiltAnswer(response, response.status, text);
  return rebuiltAnswer(response, response.status, JSON.stringify({ ...fields, token_type: 'Bearer' }), 'application/json');
}

/** The RuName as `redirect_uri` at the code exchange, in place of the callback URL openid-client sends; a refresh as it was. */
function tokenRequestFor(ruName: string) {
  return (request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } => {
    const body = new URLSearchParams(request.body);
    if (body.get('grant_type') === 'authorization_code') body.set('redirect_uri', ruName);
    return { body: body.toString(), headers: request.headers };
  };
}

/** The Identity API's user as profile claims: `userId` and `username` as they are, the name and e-mail from the individual or business account. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  if (!user || typeof user.userId !== 'string' || user.userId === '') return undefined;
  const individual = objectOf(user.individualAccount);
  const business = objectOf(user.businessAccount);
  const personName = [individual?.firstName, individual?.lastName].filter((part): part is string => typeof part === 'string' && part !== '').join(' ');
  const name = personName || (typeof business?.name === 'string' ? business.name : undefined);
  const email = individual?.email ?? business?.email;
  return {
    userId: user.userId,
    ...(typeof user.username === 'string' ? { username: user.username } : {}),
    ...(name ? { name } : {}),
    ...(typeof email === 'string' && email !== '' ? { email } : {}),
    ...(typeof user.accountType === 'string' ? { accountType: user.accountType } : {}),
  };
}

/** `https://ebay.com` (or `<NAME>_BASE_URL`, e.g. `https://sandbox.ebay.com`) with `sub.` before its host. */
function hostUnder(base: string, sub: string): string {
  const url = new URL(base);
  return `${url.protocol}//${sub}.${url.host}`;
}

export const ebay: ProviderPreset = {
  displayName: 'eBay',
  values: { ruName: 'required', baseUrl: 'optional' },
  settings: (values: PresetValues) => {
    const base = withoutTrailingSlash(values.baseUrl ?? 'https://ebay.com');
    const ruName = values.ruName ?? '';
    return {
      endpoints: {
        authorizationEndpoint: `${hostUnder(base, 'auth')}/oauth2/authorize`,
        tokenEndpoint: `${hostUnder(base, 'api')}/identity/v1/oauth2/token`,
        userinfoEndpoint: `${hostUnder(base, 'apiz')}/commerce/identity/v1/user/`,
      },
      scope: `${SCOPE_BASE} ${SCOPE_BASE}/commerce.identity.readonly`,
      apiBaseUrl: hostUnder(base, 'api'),
      redirectUriSent: ruName,
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      pkce: false,
      subjectClaim: 'userId',
      claimNames: { name: 'name', email: 'email', preferredUsername: 'username' },
      hooks: { tokenRequest: tokenRequestFor(ruName), tokenResponse, profileClaims },
    };
  },
};
