/**
 * Allegro (the Polish marketplace's REST API, for an application registered at
 * https://apps.developer.allegro.pl with the callback as its redirect URI).
 * Plain OAuth 2.0, RFC 6749's authorization code grant, with explicit
 * endpoints: no discovery, no ID token. A token acts as one Allegro account.
 * From Allegro's pages:
 * - the Authorization Code flow is for an application acting on the user's
 *   behalf, who logs in on Allegro.pl and consents; PKCE's `code_challenge`
 *   and `code_challenge_method` are optional parameters Allegro takes and
 *   advises (https://developer.allegro.pl/en/auth/), so S256 is sent;
 * - the REST API is `https://api.allegro.pl`, and the sandbox's
 *   `https://api.allegro.pl.allegrosandbox.pl` (the `servers` of Allegro's
 *   OpenAPI document, https://developer.allegro.pl/swagger.yaml), so
 *   `<NAME>_BASE_URL=https://allegro.pl.allegrosandbox.pl` moves the
 *   authorization, the token endpoint and the API (as `api.` before that host)
 *   to the sandbox;
 * - each call names the API's version in `Accept:
 *   application/vnd.allegro.public.v1+json`, which the preset sends
 *   (apiHeaders, the profile's request included);
 * - the person is `GET /me`, the user whose token is sent
 *   (https://developer.allegro.pl/en/account/, "Information about user"):
 *   `id` (a string of digits, "User Id." in the OpenAPI document's
 *   MeResponse) is the subject; `login` is the account's name, kept as the
 *   username only; `firstName`, `lastName`, `email` and the `company`'s name
 *   make the profile. Allegro says nothing of the e-mail's verification, so it
 *   is kept unverified.
 * Not checked against Allegro's pages (only the openings of its auth page
 * could be read): the endpoints' paths, `https://allegro.pl/auth/oauth/authorize`
 * and `https://allegro.pl/auth/oauth/token`; the client as HTTP Basic at the
 * token endpoint (the preset's `client_secret_basic`), with the parameters in
 * a form body (Allegro's own examples put them in the query string); the
 * answer's members (`access_token`, `token_type` bearer, `refresh_token`,
 * `expires_in`, `scope`, `allegro_api`, `jti`), the access token's 12 hours
 * and the refresh token's 3 months, and whether a refresh ends the spent
 * refresh token (the newest is kept either way); that an authorization asking
 * no `scope` is granted the scopes chosen on the application, which is why
 * none is asked (`<NAME>_SCOPE`, e.g. `allegro:api:profile:read
 * allegro:api:sale:offers:read`, narrows it); whether `login` can change; the
 * API's 401 body (`invalid_token`); a declined authorization
 * (`access_denied`). Allegro documents no revocation endpoint for an
 * application: the person unlinks it in their account, so disconnect forgets
 * the tokens here.
 */
import { hostOf, objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/** The media type naming version 1 of Allegro's public REST API, sent as `Accept` on every call. */
const ALLEGRO_ACCEPT = 'application/vnd.allegro.public.v1+json';

/**
 * The user of `/me`: `id` (a non-empty string), the first and last names (joined as the name, else the company's
 * name), the e-mail and the login as the username; an answer without an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const user = objectOf(body);
  const id = user?.id;
  if (typeof id !== 'string' || id.trim() === '') return undefined;
  const name = joinedName(user!.firstName, user!.lastName) ?? trimmedText(objectOf(user!.company)?.name);
  return { id, ...textMembers({ name, given_name: user!.firstName, family_name: user!.lastName, email: user!.email, preferred_username: user!.login }) };
}

export const allegro: ProviderPreset = {
  displayName: 'Allegro',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const site = withoutTrailingSlash(baseUrl ?? 'https://allegro.pl');
    const api = `https://api.${hostOf(site)}`;
    return {
      endpoints: {
        authorizationEndpoint: `${site}/auth/oauth/authorize`,
        tokenEndpoint: `${site}/auth/oauth/token`,
        userinfoEndpoint: `${api}/me`,
      },
      // None: without a scope Allegro grants the scopes chosen on the application.
      scope: '',
      apiBaseUrl: api,
      apiHeaders: { accept: ALLEGRO_ACCEPT },
      tokenEndpointAuthMethod: 'client_secret_basic',
      subjectClaim: 'id',
      hooks: { profileClaims },
    };
  },
};
