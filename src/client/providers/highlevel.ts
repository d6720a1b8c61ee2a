/**
 * HighLevel (a marketplace app of HighLevel's API v2, LeadConnector, made under My Apps with the scopes it asks
 * for and the callback among its redirect URLs). Plain OAuth 2.0 with explicit endpoints: no discovery, no ID
 * token, no user API the token alone can read. From HighLevel's docs:
 * - the person (a sub-account's or an agency's admin) goes to
 *   `https://marketplace.gohighlevel.com/oauth/chooselocation` with `response_type=code`, `redirect_uri`,
 *   `client_id` and a space-separated `scope`, chooses the location (sub-account) or agency to connect, and comes
 *   back to the redirect URL with the code (https://marketplace.gohighlevel.com/docs/oauth/Authorization);
 * - `POST https://services.leadconnectorhq.com/oauth/token` takes a form of `client_id`, `client_secret`,
 *   `grant_type` (`authorization_code` or `refresh_token`), `code` or `refresh_token`, `redirect_uri` and
 *   `user_type`, `Company` or `Location`, the kind of token asked for: a tokenRequest hook adds it, from
 *   `<NAME>_USER_TYPE` (default `Location`). The answer is `access_token`, `token_type`, `expires_in`,
 *   `refresh_token`, `scope`, `userType`, `companyId`, `locationId` (a sub-account token's only),
 *   `approvedLocations`, `userId` (the person who installed the app), `planId` and `isBulkInstallation`; an
 *   access token lives 24 hours, and a refresh answers a new access token and a new refresh token, which lasts
 *   1 year (https://marketplace.gohighlevel.com/docs/ghl/oauth/get-access-token, HighLevel's OpenAPI
 *   `GetAccessCodeSuccessfulResponseDto`). A refusal is 400 `BadRequestDTO`, 401 `UnauthorizedDTO` or 422
 *   `UnprocessableDTO`: `statusCode`, `message` and `error` (e.g. `Invalid token: access token is invalid`,
 *   `Unauthorized`): the tokenResponse hook reads the reason in `message` as RFC 6749 §5.2's `error`;
 * - the person is the token answer's `userId` (tokenResponseProfile: no userinfo call), kept with the
 *   `companyId`, `locationId`, `userType` and `approvedLocations` the token is for. The token answer tells no
 *   name or e-mail (`GET /users/{userId}` would, behind `users.readonly`, an app may not ask for);
 * - the API is `https://services.leadconnectorhq.com`, each call with the `Version` header it requires
 *   (`2021-07-28`, which callers may replace, e.g. for endpoints of version `2021-04-15`), e.g.
 *   `GET /locations/{locationId}` behind `locations.readonly`
 *   (https://marketplace.gohighlevel.com/docs/ghl/locations/get-location).
 * HighLevel documents no revocation: a person uninstalls the app in HighLevel; disconnect deletes the tokens here.
 * Not checked against HighLevel's own pages: whether the authorization page sends `state` back (the core sends
 * it and needs it back); PKCE, which none of its pages mentions (none is sent, as the token form has no
 * `code_verifier`); the `message` of each refusal (the tokenResponse hook reads node-oauth2-server's words,
 * `Invalid grant: …`, `Invalid client: …`, which the documented `Invalid token: …` follows, and an RFC 6749
 * `error` when one is sent); whether the used refresh token stops working once a refresh answered a new one (the
 * newest is always kept); that the year of a refresh token counts from its issue, so a connection refreshed in
 * time outlives it (the keep-alive sweep refreshes an unused one before the year ends).
 */
import { readTokenEndpointBody, rebuiltAnswer } from '../provider-hooks.js';
import type { PresetValues, ProviderPreset } from './preset.js';

/** A refresh token lasts 1 year. */
const REFRESH_TOKEN_SECONDS = 365 * 86_400;
/** The API version the calls are made with unless the caller sends its own `Version`. */
const API_VERSION = '2021-07-28';

/** RFC 6749 §5.2's errors, as node-oauth2-server's messages name them (`Invalid grant: …`). */
const MESSAGE_ERRORS: ReadonlyArray<[RegExp, string]> = [
  [/^invalid grant\b/i, 'invalid_grant'],
  [/^invalid client\b/i, 'invalid_client'],
  [/^invalid scope\b/i, 'invalid_scope'],
  [/^unauthorized client\b/i, 'unauthorized_client'],
  [/^unsupported grant type\b/i, 'unsupported_grant_type'],
];
const OAUTH_ERRORS = new Set(['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope']);

/**
 * A refusal as HighLevel's `{ statusCode, message, error }` rewritten as RFC 6749 §5.2's `{ error,
 * error_description }`: the error its message names, else `invalid_request` (a 401 `invalid_client`). An answer
 * that already carries an RFC 6749 error, a success, or a 5xx is left as it was.
 */
async function tokenResponse(response: Response): Promise<Response> {
  const { text, fields } = await readTokenEndpointBody(response);
  if (response.status < 400 || response.status >= 500 || !fields || (typeof fields.error === 'string' && OAUTH_ERRORS.has(fields.error))) {
    return rebuiltAnswer(response, response.status, text);
  }
  const messages = (Array.isArray(fields.message) ? fields.message : [fields.message]).filter((entry): entry is string => typeof entry === 'string' && entry !== '');
  const message = messages.join('; ');
  const named = MESSAGE_ERRORS.find(([pattern]) => pattern.test(message))?.[1];
  const error = named ?? (response.status === 401 ? 'invalid_client' : 'invalid_request');
  const status = error === 'invalid_client' ? 401 : 400;
  return rebuiltAnswer(response, status, JSON.stringify({ error, error_description: message || `HighLevel answered ${response.status}` }), 'application/json');
}

/** The `user_type` HighLevel's token endpoint takes, added to the form of the code exchange and of each refresh. */
function tokenRequestFor(userType: string) {
  return (request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } => {
    const body = new URLSearchParams(request.body);
    body.set('user_type', userType);
    return { body: body.toString(), headers: request.headers };
  };
}

/** Who installed the app (`userId`) and what the token is for; an answer without a user id names no one. */
function tokenResponseProfile(answer: Record<string, unknown>): Record<string, unknown> | undefined {
  const userId = answer.userId;
  if (typeof userId !== 'string' || userId === '') return undefined;
  const profile: Record<string, unknown> = { userId };
  for (const member of ['companyId', 'locationId', 'userType'] as const) {
    if (typeof answer[member] === 'string' && answer[member] !== '') profile[member] = answer[member];
  }
  if (Array.isArray(answer.approvedLocations)) profile.approvedLocations = answer.approvedLocations.filter((entry) => typeof entry === 'string');
  return profile;
}

export const highlevel: ProviderPreset = {
  displayName: 'HighLevel',
  values: { userType: 'optional' },
  settings: (values: PresetValues) => ({
    endpoints: {
      authorizationEndpoint: 'https://marketplace.gohighlevel.com/oauth/chooselocation',
      tokenEndpoint: 'https://services.leadconnectorhq.com/oauth/token',
    },
    scope: 'locations.readonly',
    apiBaseUrl: 'https://services.leadconnectorhq.com',
    apiHeaders: { version: API_VERSION },
    proxyHeaders: { request: ['version'], response: [] },
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'userId',
    refreshTokenIdleSeconds: REFRESH_TOKEN_SECONDS,
    hooks: { tokenRequest: tokenRequestFor(values.userType ?? 'Location'), tokenResponse, tokenResponseProfile },
  }),
};
