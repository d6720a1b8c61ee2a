/**
 * Sign in with Apple, the REST API's web flow: OpenID Connect with discovery
 * at https://appleid.apple.com/.well-known/openid-configuration (issuer
 * `https://appleid.apple.com`; authorize, token, revoke and keys under
 * /auth/). Its departures, from Apple's documentation
 * (https://developer.apple.com/documentation/sign_in_with_apple/request-an-authorization-to-the-sign-in-with-apple-server,
 * https://developer.apple.com/documentation/sign_in_with_apple/generate-and-validate-tokens,
 * https://developer.apple.com/documentation/sign_in_with_apple/revoke-tokens,
 * https://developer.apple.com/documentation/sign_in_with_apple/authenticating-users-with-sign-in-with-apple):
 * - the scopes are `name` and `email`, and asking for either requires
 *   `response_mode=form_post`: the answer is POSTed to the callback
 *   (server/form-post-callback.ts deals with the cookie that POST lacks);
 * - the client secret is a JWT, ES256, signed with a key made in the
 *   developer account (`<NAME>_PRIVATE_KEY_FILE`, the .p8 file, and
 *   `<NAME>_PRIVATE_KEY_ID`, its key id), with `iss` the team id
 *   (`<NAME>_TEAM_ID`), `sub` the client id (the Services ID), `aud`
 *   `https://appleid.apple.com`, and at most six months of life; sent in the
 *   form body (client_secret_post), also to the revocation endpoint;
 * - there is no userinfo endpoint: the ID token has the subject and the
 *   e-mail (a private relay address when the person hides theirs), with
 *   `email_verified` as the string "true" or a boolean; the name comes only
 *   once, in the first authorization's `user` form field (JSON,
 *   `{"name":{"firstName","lastName"},"email"}`), beside the code;
 * - refresh tokens do not rotate; access tokens open no Apple API, so the
 *   proxy has nothing to call.
 */
import type { ProviderPreset } from './preset.js';

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim().length > 0 ? value.trim() : undefined;
}

/** The name in the first authorization's `user` field, as OpenID claims; nothing when it is absent or malformed. */
function nameFromUserField(parameters: URLSearchParams): Record<string, unknown> {
  const field = parameters.get('user');
  if (field === null || field.length > 2000) return {};
  let user: unknown;
  try {
    user = JSON.parse(field);
  } catch {
    return {};
  }
  const name = (user as { name?: unknown } | null)?.name as { firstName?: unknown; lastName?: unknown } | null | undefined;
  const given = nonEmpty(name?.firstName);
  const family = nonEmpty(name?.lastName);
  return { ...(given ? { given_name: given } : {}), ...(family ? { family_name: family } : {}) };
}

export const apple: ProviderPreset = {
  displayName: 'Apple',
  values: { teamId: 'required' },
  settings: ({ teamId }) => ({
    discovery: { issuer: 'https://appleid.apple.com' },
    scope: 'openid name email',
    authorizationParams: { response_mode: 'form_post' },
    tokenEndpointAuthMethod: 'client_secret_post',
    signedClientSecret: { teamId: teamId ?? '', audience: 'https://appleid.apple.com' },
    skipUserinfo: true,
    hooks: { callbackClaims: nameFromUserField },
  }),
};
