/**
 * Naver Login (네이버 로그인), its OAuth 2.0 API at nid.naver.com. Plain OAuth 2.0 with explicit endpoints. From
 * Naver's own guide (https://github.com/naver/naver-openapi-guide: ko/docs/login/api/README.md, the login API;
 * ko/docs/login/devguide/README.md, the developer guide; ko/docs/login/profile.md, the profile API):
 * - `GET https://nid.naver.com/oauth2.0/authorize` with `response_type=code`, `client_id`, `redirect_uri` (the
 *   Callback URL registered on the app) and `state`; there is no scope to send (`scope` "need not be sent": the
 *   person consents to the profile items set on the app, and may refuse the optional ones). A refusal goes back
 *   to the callback as `error` and `error_description` beside the state;
 * - `https://nid.naver.com/oauth2.0/token` (GET or POST) with `grant_type`, `client_id`, `client_secret`, and for
 *   the issue `code` and `state` (both required): the client is sent in the form, and the code exchange sends
 *   the state too (stateAtCodeExchange). The answer is `access_token`, `refresh_token`, `token_type` (`bearer`)
 *   and `expires_in`, which Naver's examples write as a string ("3600": an access token lasts an hour);
 * - a refresh (`grant_type=refresh_token`, the client and `refresh_token`) answers `access_token`, `token_type`
 *   and `expires_in` only: no new refresh token, so the one held is kept;
 * - the token endpoint's refusals are the answer's `error` and `error_description`, listed among the members of
 *   the answer itself: `invalid_request` (a parameter or the request is wrong), `unauthorized_client` (a code
 *   Naver did not authorize), `unsupported_response_type`, `server_error`. The tokenResponse hook makes one sent
 *   with HTTP 200 RFC 6749 §5.2's: the request being otherwise whole, `invalid_request` and
 *   `unauthorized_client` mean the code or refresh token is not taken, `invalid_grant`, Naver's own code kept as
 *   `naver_error`; `server_error` a 500;
 * - the person is `GET https://openapi.naver.com/v1/nid/me` (Bearer): `{ resultcode: "00", message: "success",
 *   response: { id, nickname, name, email, profile_image, … } }`. `id` is the subject: unique per person and per
 *   application, a string (a BASE64 string of up to 64 characters for apps made since 1 May 2021, a number
 *   before); every other item only when the person agreed to give it. The e-mail is the contact address of the
 *   Naver account, which the person may change to another mailbox: Naver says nothing of its verification, so
 *   it is kept unverified. A token it does not take is a 401 with `resultcode` `024`;
 * - the API is `https://openapi.naver.com` (the login Open APIs, e.g. `/v1/nid/verify`, which checks the token);
 * - disconnect is RFC 7009: `POST https://nid.naver.com/oauth2.0/revoke` with `client_id`, `client_secret`,
 *   `token` and `token_type_hint`; revoking either token revokes its pair too, and the app's link is removed from
 *   the person's "connected services". It answers 200 with no body, for a token already revoked or unknown too.
 * Why not OpenID Connect: Naver's OIDC is a separate set of endpoints (`/oauth2/authorize`, `/oauth2/token`,
 * discovery at https://nid.naver.com/.well-known/openid-configuration) that the login API's pages (revocation,
 * refresh) do not describe; the OAuth 2.0 API is the one documented end to end, and `/v1/nid/me` is what both
 * read the person from.
 * Not checked against Naver's pages: the HTTP status of the token endpoint's refusals (its tables list them
 * beside the tokens, so HTTP 200 is taken, and any other status is read as it comes), which of the listed codes
 * a refused refresh token gets (both `invalid_request` and `unauthorized_client` are read as invalid_grant), the
 * answer to a wrong client secret at the token endpoint (`invalid_client` is read as RFC 6749's; the revocation
 * endpoint documents 401 `unauthorized_client`), whether a refresh token ends unused (none is stated), and PKCE
 * on the OAuth 2.0 endpoints (documented for the OIDC ones only; a challenge is sent, which RFC 7636 §4.5 has a
 * server ignore).
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

/** Naver's token-endpoint codes for a code or refresh token it does not take, in a request otherwise whole. */
const NOT_TAKEN = new Set(['invalid_request', 'unauthorized_client']);

/**
 * A token answer sent with HTTP 200 that carries `error` rebuilt as RFC 6749 §5.2's refusal: `invalid_grant` (400)
 * for a code or refresh token Naver does not take, `invalid_client` a 401, `server_error` a 500, any other code a
 * 400; Naver's own code kept as `naver_error`. Any other answer is left as it came.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (response.status !== 200 || !fields || typeof fields.error !== 'string') return rebuiltAnswer(response, response.status, text);
  const error = NOT_TAKEN.has(fields.error) ? 'invalid_grant' : fields.error;
  const status = error === 'invalid_client' ? 401 : error === 'server_error' ? 500 : 400;
  const description = typeof fields.error_description === 'string' ? fields.error_description : undefined;
  const answer = { error, ...(description !== undefined ? { error_description: description } : {}), naver_error: fields.error };
  return rebuiltAnswer(response, status, JSON.stringify(answer), 'application/json');
}

/**
 * The person of /v1/nid/me's `response`: `id` (the subject), the name (else the nickname), the nickname, the
 * e-mail and the profile image, each only when given. An answer whose `resultcode` is not `00`, or without an
 * id, names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const answer = objectOf(body);
  const person = objectOf(answer?.response);
  const id = trimmedText(person?.id);
  if (answer?.resultcode !== '00' || !person || !id) return undefined;
  const nickname = trimmedText(person.nickname);
  const name = trimmedText(person.name) ?? nickname;
  const email = trimmedText(person.email);
  const picture = trimmedText(person.profile_image);
  return {
    id,
    ...textMembers({ name, nickname, email, picture }),
  };
}

export const naver: ProviderPreset = {
  displayName: 'Naver',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://nid.naver.com/oauth2.0/authorize',
      tokenEndpoint: 'https://nid.naver.com/oauth2.0/token',
      userinfoEndpoint: 'https://openapi.naver.com/v1/nid/me',
      revocationEndpoint: 'https://nid.naver.com/oauth2.0/revoke',
    },
    scope: '',
    apiBaseUrl: 'https://openapi.naver.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    stateAtCodeExchange: true,
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    hooks: { tokenResponse, profileClaims },
  }),
};
