/**
 * Every error code a client of Tokenkeeper can see — in the JSON `{ error,
 * message }` of the HTTP API, on error pages, and as `code` on a
 * TokenkeeperError in the library — with the HTTP status it comes with and
 * what it means. The set is closed: a provider's own error value is kept as
 * data (`providerError`), never used as one of these. README's table of
 * error codes lists the same (a test checks that they agree).
 */
export const ERROR_CODES = {
  bad_request: { status: 400, meaning: 'The request is malformed: its body, parameters or headers.' },
  invalid_character: { status: 400, meaning: 'A NUL character in the address or the body.' },
  invalid_state: { status: 400, meaning: 'The sign-in link is not valid in this browser: expired, used already, or started elsewhere.' },
  invalid_callback: { status: 400, meaning: 'The sign-in response did not come from the provider as expected (its `iss`, `state` or signature), or is malformed (no `code`, or a parameter given twice).' },
  access_denied: { status: 400, meaning: 'The person cancelled the sign-in at the provider, or the provider refused it (e.g. a person not assigned to the app).' },
  authorization_error: { status: 400, meaning: "The provider ended the sign-in with an error of its own (in `providerError`)." },
  invalid_grant: { status: 400, meaning: 'The provider did not accept the authorization code: used already, or expired.' },
  connect_only: { status: 400, meaning: "The provider is connected to a signed-in user's account, never signed in with (`<NAME>_CONNECT_ONLY`): it says nothing of who the person is." },
  transaction_mismatch: { status: 400, meaning: 'The sign-in was started under another provider configuration.' },
  invalid_api_path: { status: 400, meaning: "The API path would leave the provider's API base." },
  invalid_scope: { status: 400, meaning: 'The scope is not a list of scope tokens separated by spaces (RFC 6749 §3.3: printable ASCII without spaces, double quotes or backslashes).' },
  return_to_not_allowed: { status: 400, meaning: '`return_to` is not an absolute URL on an origin `CONNECT_RETURN_ORIGINS` allows.' },
  unauthorized: { status: 401, meaning: 'Not signed in.' },
  invalid_service_key: { status: 401, meaning: 'The service key is missing, malformed, unknown, revoked, or rotated out (`Authorization: Bearer tks_…`).' },
  needs_reauth: { status: 401, meaning: 'The provider no longer accepts the stored grant: sign in with it again.' },
  csrf_failed: { status: 403, meaning: 'The CSRF token is missing or wrong.' },
  account_inactive: { status: 403, meaning: 'The account has been deactivated.' },
  staff_only: { status: 403, meaning: 'Only staff users may do this.' },
  superuser_only: { status: 403, meaning: 'Only superusers may do this.' },
  missing_permission: { status: 403, meaning: 'The service key does not have the permission this needs.' },
  provider_not_allowed: { status: 403, meaning: 'The service key is limited to other providers.' },
  connect_link_wrong_user: { status: 403, meaning: 'The connect link is for another user than the one signed in, or signing in: nothing was connected.' },
  not_found: { status: 404, meaning: 'There is nothing at this address.' },
  unknown_provider: { status: 404, meaning: 'No provider of that name is configured.' },
  no_api: { status: 404, meaning: 'The provider has no API configured (`<NAME>_API_BASE_URL`).' },
  request_timeout: { status: 408, meaning: 'The request was not received whole in time (`REQUEST_TIMEOUT_SECONDS`).' },
  not_connected: { status: 409, meaning: 'The user has not connected this provider.' },
  no_refresh_token: { status: 409, meaning: 'The provider gave no refresh token: only a new sign-in brings a new access token.' },
  identity_taken: { status: 409, meaning: 'This identity at the provider is connected to another user.' },
  provider_already_connected: { status: 409, meaning: 'Another identity at this provider is connected to the user: disconnect it first.' },
  last_identity: { status: 409, meaning: "This is the user's only identity, their way to sign in." },
  action_not_applicable: { status: 409, meaning: 'The admin action does not apply to this record.' },
  external_id_taken: { status: 409, meaning: 'Another user has this `external_id`.' },
  external_id_conflict: { status: 409, meaning: 'The identity belongs to a user with another `external_id`, which was left as it is.' },
  connect_link_used: { status: 410, meaning: 'The connect link was opened already: each works once.' },
  connect_link_expired: { status: 410, meaning: 'The connect link has expired (15 minutes after it was made).' },
  payload_too_large: { status: 413, meaning: 'The request body is larger than the route takes.' },
  uri_too_long: { status: 414, meaning: 'A part of the address is longer than the route takes.' },
  unsupported_media_type: { status: 415, meaning: 'The request body has a type the route does not read.' },
  headers_too_large: { status: 431, meaning: "The request headers are larger than the server reads (16 KiB in all, Node's limit)." },
  too_many_requests: { status: 429, meaning: 'Too many requests: wait a minute (`LOGIN_RATE_LIMIT`, the admin login limit, `SERVICE_RATE_LIMIT`).' },
  internal_error: { status: 500, meaning: 'A fault on our side; the log has the details.' },
  provider_error: { status: 502, meaning: 'The provider failed the request (HTTP 5xx), or refused one that should have worked (its reason in `providerError`).' },
  provider_bad_response: { status: 502, meaning: 'The provider answered something that failed validation.' },
  provider_untrusted_certificate: { status: 502, meaning: "The provider's TLS certificate is not trusted (`CA_FILE`)." },
  not_ready: { status: 503, meaning: 'The server is not ready for traffic: shutting down, its database not answering, or migrations missing (`GET /readyz` says which); from the library, a Tokenkeeper used after `close()`.' },
  provider_unreachable: { status: 503, meaning: 'The provider could not be reached.' },
  provider_unavailable: { status: 503, meaning: 'The provider is temporarily unavailable or limiting requests (its HTTP 503 or 429), or failed recently and is left alone for a while (`Retry-After`).' },
  provider_timeout: { status: 504, meaning: 'The provider did not answer in time (`PROVIDER_TIMEOUT_SECONDS`).' },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * The service API (/api/v1) answers two codes with another status, so that
 * its 401 always means the key and never the user's connection: a missing
 * connection is a resource that is not there (404), and a connection that
 * needs a new sign-in is a state the request conflicts with (409, RFC 9110
 * §15.5.10). README's Errors section says the same.
 */
export const SERVICE_API_STATUSES: Readonly<Partial<Record<ErrorCode, number>>> = { not_connected: 404, needs_reauth: 409 };

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}
