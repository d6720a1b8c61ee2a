/**
 * Cisco Webex (integrations: apps acting on a Webex user's behalf). Plain
 * OAuth 2.0 without discovery or an ID token (Login with Webex's OpenID
 * Connect is another kind of app). From Webex's docs
 * (https://developer.webex.com/docs/integrations):
 * - `GET https://webexapis.com/v1/authorize` with `response_type=code`,
 *   `client_id`, `redirect_uri`, `state` and `scope`, space-separated, among
 *   the scopes ticked on the integration: `spark:people_read`, which the
 *   person is read with, is asked. The authorization code flow with PKCE is
 *   supported, and the challenge is sent;
 * - `POST https://webexapis.com/v1/access_token` with `grant_type`,
 *   `client_id`, `client_secret`, `code` and `redirect_uri` (or
 *   `refresh_token`) in the form body. The answer is `access_token`,
 *   `expires_in` (14 days), `refresh_token` and `refresh_token_expires_in`
 *   (90 days). A refresh answers a new access token and the same refresh
 *   token, whose 90 days start again: refresh tokens "when being regularly
 *   used … will be refreshed to last forever"
 *   (https://developer.webex.com/docs/api/v1/authorizations), so the
 *   keep-alive sweep refreshes a connection nobody used for 83 days;
 * - Webex answers a refused grant in its API's error shape, `{ message,
 *   errors: [{ description }], trackingId }`, the identity service's RFC
 *   6749 error in parentheses inside the message (`… error =
 *   '(invalid_grant) Authorization code has expired or has already been
 *   used.'`): the tokenResponse hook makes that RFC 6749 §5.2's `{ error,
 *   error_description }`, so a code or refresh token Webex no longer takes
 *   asks for a new sign-in and a wrong secret points at the configuration;
 * - the person is `GET https://webexapis.com/v1/people/me`
 *   (https://developer.webex.com/docs/api/v1/people/get-my-own-details):
 *   `id` (an opaque, base64-encoded id that does not change), `emails`,
 *   `displayName`, `firstName`, `lastName`, `orgId`, `type`. The subject is
 *   `id`, the name `displayName`, the e-mail the first of `emails`, kept
 *   unverified as Webex says nothing of its verification; the organization
 *   id is kept with the profile;
 * - the API is `https://webexapis.com/v1`, with the token as `Authorization:
 *   Bearer`, answering an ended token with 401
 *   (https://developer.webex.com/docs/basics);
 * - there is no revocation for an integration's own tokens: the
 *   Authorizations API that deletes them is for organization admins
 *   (https://developer.webex.com/docs/api/v1/authorizations), so
 *   disconnecting deletes the tokens here only.
 * Not checked against Webex's pages: the message format of a refused token
 * request (read as other integrations' logs show it, HTTP 400 or 401; one
 * without an error in parentheses passes as it came), whether a refresh may
 * ever answer a new refresh token (the one answered is kept), whether the
 * token endpoint takes HTTP Basic (the form is sent), and how long a code
 * lives.
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import { objectOf, type ProviderPreset } from './preset.js';

/** Ninety days, how long a Webex refresh token lives unused. */
const REFRESH_TOKEN_LIFETIME = 90 * 86_400;

/** The RFC 6749 error the identity service named in parentheses inside a Webex error message. */
const NAMED_ERROR = /\((invalid_request|invalid_client|invalid_grant|unauthorized_client|unsupported_grant_type|invalid_scope)\)\s*([^'"]*)/;

/**
 * A refused token request in Webex's error shape, `{ message, errors,
 * trackingId }`, as RFC 6749 §5.2's `{ error, error_description }` with the
 * error its message names; every other answer as it came.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (response.status < 400 || response.status >= 500 || !fields || typeof fields.error === 'string' || typeof fields.message !== 'string') return rebuiltAnswer(response, response.status, text);
  const named = NAMED_ERROR.exec(fields.message);
  if (!named) return rebuiltAnswer(response, response.status, text);
  const description = named[2]!.trim();
  return rebuiltAnswer(response, response.status, JSON.stringify({ error: named[1], ...(description ? { error_description: description } : {}) }), 'application/json');
}

/**
 * The person of /v1/people/me: `id`, `displayName` as the name, the first of
 * `emails` as the e-mail, unverified, and the organization id; an answer
 * without an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const person = objectOf(body);
  if (typeof person?.id !== 'string' || person.id === '') return undefined;
  const email = Array.isArray(person.emails) ? person.emails.find((value): value is string => typeof value === 'string' && value !== '') : undefined;
  return {
    id: person.id,
    ...(typeof person.displayName === 'string' && person.displayName !== '' ? { name: person.displayName } : {}),
    ...(email ? { email, email_verified: false } : {}),
    org_id: person.orgId,
    type: person.type,
  };
}

export const webex: ProviderPreset = {
  displayName: 'Webex',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://webexapis.com/v1/authorize',
      tokenEndpoint: 'https://webexapis.com/v1/access_token',
      userinfoEndpoint: 'https://webexapis.com/v1/people/me',
    },
    scope: 'spark:people_read',
    apiBaseUrl: 'https://webexapis.com/v1',
    tokenEndpointAuthMethod: 'client_secret_post',
    subjectClaim: 'id',
    claimNames: { name: 'name', email: 'email' },
    refreshTokenIdleSeconds: REFRESH_TOKEN_LIFETIME,
    hooks: { tokenResponse, profileClaims },
  }),
};
