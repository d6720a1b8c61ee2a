/**
 * Egnyte (a publicly available application key registered on Egnyte's
 * developer site, its callback the registered redirect URI; the key works
 * only on its registered test domain until Egnyte certifies the integration,
 * https://egnyte.github.io/integrations-cookbook/auth.html). Each customer is
 * an Egnyte domain, `<NAME>_DOMAIN`: its host, `acme.egnyte.com` (or a
 * government domain's `acme.egnytegov.com`), on which the authorization, the
 * token and the API all are. From Egnyte's pages:
 * - OAuth 2.0, the authorization code flow for a partner's public
 *   application; every API call carries the token as `Authorization: Bearer`
 *   (https://developers.egnyte.com/docs/read/Public_API_Authentication);
 * - "Bearer tokens issued by Egnyte's APIs do not expire": a new one is
 *   needed only after the user changes their password or revokes the
 *   access, which the API answers with a 401 (the same page). There is no
 *   refresh token to spend, and a 401 asks for a new sign-in;
 * - the person is Getting User Info on that page, the user of the token;
 *   its `id` is the user's id in the domain, by which the User Management API
 *   names a user (`GET /pubapi/v2/users/{id}`, a number such as 12345678,
 *   https://developers.egnyte.com/docs/read/User_Management_API_Documentation;
 *   the cookbook's "request Users API by id" from the user info). An id is
 *   the domain's own, so the subject is it qualified by the domain's host
 *   (`12345678@acme.egnyte.com`); the username, which an administrator may
 *   change, and the names are kept beside it;
 * - a token the API does not take may be answered "Developer Inactive" (the
 *   cookbook's Errors).
 * Not checked against Egnyte's pages (only their openings are stored): the
 * authorization request (`GET /puboauth/token` with `client_id`,
 * `redirect_uri`, `response_type=code`, `scope` and `state`, as Egnyte's own
 * SDKs build it); the code exchange (`POST /puboauth/token`, a form with
 * `client_id`, `client_secret`, `redirect_uri`, `code` and
 * `grant_type=authorization_code`, the SDKs' again) and its answer
 * (`access_token`, `token_type`; an `expires_in` of -1 for a token that does
 * not end is read as none, any other `expires_in` or `refresh_token` is kept
 * as it comes); the scope (`Egnyte.filesystem`, the file system API, is
 * asked: `<NAME>_SCOPE` sets others, space-separated); the user info's path
 * and members (`GET /pubapi/v1/userinfo` with `id`, `username`, `first_name`
 * and `last_name`, as the SDKs read it) and that it carries no e-mail; PKCE
 * (none is sent); refusals (RFC 6749 §5.2 and `access_denied` assumed).
 * Egnyte documents no revocation endpoint: disconnect forgets the token here.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { hostOf, objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers } from './profile-text.js';

/**
 * The user info as claims: `id` the user's numeric id qualified by the domain's host, `user_id` as Egnyte sends it,
 * the username and the names; an answer without a numeric id names no one, and the sign-in fails.
 */
export function userinfoClaims(domainHost: string): (body: unknown) => Record<string, unknown> | undefined {
  return (body) => {
    const user = objectOf(body);
    const id = user?.id;
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) return undefined;
    return {
      id: `${id}@${domainHost}`,
      user_id: String(id),
      ...textMembers({
        name: joinedName(user!.first_name, user!.last_name),
        given_name: user!.first_name,
        family_name: user!.last_name,
        preferred_username: user!.username,
      }),
    };
  };
}

/**
 * A token answer with a negative `expires_in` (RFC 6749 §5.1 gives it no meaning; Egnyte's tokens do not end) as
 * one without it, so the token is kept with no end; other answers pass as they were.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  const expiresIn = fields?.expires_in;
  if (!response.ok || typeof expiresIn !== 'number' || expiresIn >= 0) return rebuiltAnswer(response, response.status, text);
  const { expires_in: _negative, ...rest } = fields!;
  return rebuiltAnswer(response, response.status, JSON.stringify(rest), 'application/json');
}

export const egnyte: ProviderPreset = {
  displayName: 'Egnyte',
  values: { domain: 'required' },
  settings: ({ domain }) => {
    const origin = `https://${domain ?? ''}`;
    return {
      endpoints: {
        authorizationEndpoint: `${origin}/puboauth/token`,
        tokenEndpoint: `${origin}/puboauth/token`,
        userinfoEndpoint: `${origin}/pubapi/v1/userinfo`,
      },
      scope: 'Egnyte.filesystem',
      apiBaseUrl: `${origin}/pubapi`,
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
      hooks: { profileClaims: userinfoClaims(hostOf(origin)), tokenResponse },
    };
  },
};
