/**
 * Teamwork.com (an app registered in the Developer Portal of a Teamwork site,
 * `https://{site}.teamwork.com/developer`, the callback among its redirect
 * URIs). Teamwork's "App Login Flow" is OAuth 2.0's authorization code in its
 * own shape, at www.teamwork.com for every region, with no scopes, no PKCE,
 * no refresh and no expiry. From Teamwork's pages:
 * - the person is sent to `https://www.teamwork.com/launchpad/login` with
 *   `client_id`, `redirect_uri` and `state`; Teamwork finds the person's site
 *   whatever its region and comes back to the redirect URI with a `code`
 *   that lasts 15 minutes and the state
 *   (https://apidocs.teamwork.com/guides/teamwork/app-login-flow,
 *   https://developer.teamwork.com/guides/how-to-authenticate-via-app-login-flow).
 *   No scope is named: a token reaches what the person reaches in Teamwork
 *   (https://apidocs.teamwork.com/guides/teamwork/getting-started-with-the-teamwork-com-api),
 *   so none is asked;
 * - the code is exchanged by a POST to
 *   `https://www.teamwork.com/launchpad/v1/token.json` with `code`,
 *   `client_id`, `client_secret` and `redirect_uri` (the same guide): sent as
 *   a JSON body here (jsonTokenRequest), the client in it;
 * - a site's API is on its own host, `https://{site}.teamwork.com` (or
 *   `{site}.eu.teamwork.com` for EU-hosted sites), with the token as Bearer
 *   (https://apidocs.teamwork.com/guides/teamwork/getting-started-with-the-teamwork-com-api);
 *   the token answer names that host as its `installation`'s `apiEndPoint`
 *   (as integrations of Teamwork read it: see below), which the
 *   tokenResponse hook lifts to a top-level `api_endpoint`, the connection's
 *   API base (on teamwork.com only), where everything after it goes;
 * - the person is `GET /projects/api/v3/me.json` there, `{ person }`
 *   (https://apidocs.teamwork.com/docs/teamwork/v3/people): `id`, the
 *   person's id in the site, and `installationId`, the site's, joined as
 *   `<id>@<installationId>` for the subject, since a person is one site's and
 *   a site's address can change where its installation id does not; with the
 *   `firstName`, `lastName`, `email` and `avatarUrl`.
 * Not checked against Teamwork's pages: the token answer (`access_token`,
 * with `installation` and `user` objects and no `token_type`, `expires_in` or
 * `refresh_token`, as integrations of Teamwork read it), so the token is read
 * as a Bearer token that never expires and has no refresh; whether the token
 * endpoint takes the parameters as JSON only (it is sent JSON, as
 * integrations send it) and how it refuses a code (RFC 6749 §5.2's `error`
 * assumed); a declined login (RFC 6749's `access_denied` assumed); whether a
 * site on a custom domain names a teamwork.com `apiEndPoint` (another domain
 * stops the sign-in); whether the e-mail is verified (kept unverified).
 * Teamwork documents no revocation for these tokens: disconnect forgets them
 * here.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { jsonTokenRequest, objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers } from './profile-text.js';

/** A positive whole number, or its decimal text, as text; undefined for anything else. */
function idText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  if (typeof value === 'string' && /^[1-9][0-9]{0,18}$/.test(value)) return value;
  return undefined;
}

/**
 * The `person` of `/projects/api/v3/me.json`: the subject `<id>@<installationId>`, the names, the e-mail and the
 * avatar; an answer without both ids names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const person = objectOf(objectOf(body)?.person);
  const id = idText(person?.id);
  const installation = idText(person?.installationId);
  if (id === undefined || installation === undefined) return undefined;
  return {
    teamwork_user: `${id}@${installation}`,
    id,
    installation_id: installation,
    ...textMembers({
      name: joinedName(person!.firstName, person!.lastName),
      given_name: person!.firstName,
      family_name: person!.lastName,
      email: person!.email,
      picture: person!.avatarUrl,
    }),
  };
}

/** The token answer with its `installation`'s `apiEndPoint` lifted to `api_endpoint`; anything else as it came. */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  const endpoint = objectOf(fields?.installation)?.apiEndPoint;
  if (!fields || typeof endpoint !== 'string' || 'api_endpoint' in fields) return rebuiltAnswer(response, response.status, text);
  return rebuiltAnswer(response, response.status, JSON.stringify({ ...fields, api_endpoint: endpoint }), 'application/json');
}

export const teamwork: ProviderPreset = {
  displayName: 'Teamwork.com',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://www.teamwork.com/launchpad/login',
      tokenEndpoint: 'https://www.teamwork.com/launchpad/v1/token.json',
    },
    // None: Teamwork's App Login Flow names no scopes; a token reaches what the person reaches.
    scope: '',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    omitsTokenType: true,
    connectionApiBase: { member: 'api_endpoint', domains: ['teamwork.com'], userinfoPath: '/projects/api/v3/me.json' },
    subjectClaim: 'teamwork_user',
    hooks: { profileClaims, tokenResponse, tokenRequest: jsonTokenRequest() },
  }),
};
