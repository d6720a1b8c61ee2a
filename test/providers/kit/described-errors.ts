/**
 * OAuth errors with the description RFC 6749 gives each code (§4.1.2.1 for
 * the authorization endpoint, §5.2 for the token endpoint), in the words
 * several providers send word for word: `error` and `error_description`,
 * as parameters sent back to the client or as a JSON body.
 */
const DESCRIPTIONS = {
  access_denied: 'The resource owner or authorization server denied the request.',
  invalid_scope: 'The requested scope is invalid, unknown, or malformed.',
  invalid_client: 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
  invalid_grant: 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
  unsupported_grant_type: 'The authorization grant type is not supported by the authorization server.',
};

/** `{ error, error_description }` with RFC 6749's description of `error`. */
export function describedError(error: keyof typeof DESCRIPTIONS): { error: string; error_description: string } {
  return { error, error_description: DESCRIPTIONS[error] };
}
