/**
 * Bungie.net (the Bungie.Net API, for a Confidential OAuth client registered at https://www.bungie.net/en/Application).
 * Plain OAuth 2.0 with explicit endpoints: no discovery, no ID token. From Bungie's docs:
 * - an application is issued a client id, a client secret (Confidential clients) and an API key, linked together; the
 *   client's scope and single redirect URL are set at registration, and the scope parameter must be omitted from
 *   authorization and token requests (https://github.com/Bungie-net/api/wiki/OAuth-Documentation, "Client
 *   Registration"): so the preset asks for no scope, and takes the API key as `<NAME>_X_API_KEY`
 *   (the header's name: `<NAME>_API_KEY` is what Google's, Stripe's and other SDKs read from the environment);
 * - the authorization endpoint is `https://www.bungie.net/en/OAuth/Authorize` and the token endpoint (refreshes too)
 *   `https://www.bungie.net/Platform/App/OAuth/token/` (https://bungie-net.github.io, "Security"), which takes the
 *   client secret as the client's password, RFC 6749 §2.3.1 (the OAuth Documentation): the preset sends `client_id`
 *   and `client_secret` in the form, which §2.3.1 allows and Bungie.net's clients send, so a secret with `.` or `-`
 *   is never read through §2.3.1's form-encoding of Basic credentials (`<NAME>_TOKEN_ENDPOINT_AUTH_METHOD` for Basic). A Public
 *   client is not given a refresh token (same page, as Bungie's API team explains in
 *   https://github.com/Bungie-net/api/issues/24);
 * - a Confidential client's grant lasts up to a year, as long as its refresh token is used at least every 90 days
 *   (Bungie's API team in https://github.com/Bungie-net/api/issues/1231 and /984): so the refresh token's idle life
 *   is 90 days, and the keep-alive sweep refreshes a connection nobody used before then;
 * - every request to the API carries the application's API key as `X-API-Key` beside the Bearer token
 *   (https://bungie-net.github.io, "Common Headers"): the preset sends it on every call, the proxies in place of the
 *   caller's. The API is `https://www.bungie.net/Platform`, each answer wrapped as `{ Response, ErrorCode,
 *   ThrottleSeconds, ErrorStatus, Message, MessageData }`;
 * - the person is `GET /User/GetMembershipsForCurrentUser/` (User.UserMembershipData,
 *   https://bungie-net.github.io/multi/schema_User-UserMembershipData.html): `bungieNetUser` (User.GeneralUser) with
 *   its `membershipId` (an int64, sent as a string: the subject), `uniqueName`, `displayName`,
 *   `cachedBungieGlobalDisplayName` and `…Code` (the Bungie Name, `Name#0123`) and `profilePicturePath`; the
 *   `destinyMemberships` (each a `membershipType` and `membershipId` that Destiny 2 calls take) and the cross save
 *   `primaryMembershipId`, kept with the profile. Bungie.net gives no e-mail;
 * - Bungie documents no revocation: disconnect deletes the tokens here, and the person removes the application in
 *   their Bungie.net settings.
 * Not checked against Bungie's pages: the token answer's members beyond RFC 6749 §5.1's (`membership_id` and
 * `refresh_expires_in`, which guides show, are not read: the idle life above stands for the latter); whether a used
 * refresh token still works after the refresh that replaced it (the newest is always kept); the token endpoint's
 * refusals (RFC 6749's `invalid_grant` and `invalid_client` are assumed); the status of an API call with a token
 * Bungie no longer takes (a 401 with `ErrorStatus` `WebAuthRequired` or `AccessTokenHasExpired`, as its clients
 * report, is assumed); whether PKCE is taken (none is sent); whether Basic credentials are form-decoded as RFC 6749 §2.3.1 has it.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { trimmedText } from './profile-text.js';

/** An int64 id as Bungie sends it (a string of digits, or a safe integer), as a string; undefined otherwise. */
function int64(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  return typeof value === 'string' && /^[1-9][0-9]{0,18}$/.test(value) ? value : undefined;
}

/** The Bungie Name, `Name#0123`, from the global display name and its code; undefined without either. */
function bungieName(user: Record<string, unknown>): string | undefined {
  const name = trimmedText(user.cachedBungieGlobalDisplayName);
  const code = user.cachedBungieGlobalDisplayNameCode;
  return name && typeof code === 'number' && Number.isInteger(code) && code >= 0 ? `${name}#${String(code).padStart(4, '0')}` : undefined;
}

/**
 * The profile of `{ Response: { bungieNetUser, destinyMemberships, primaryMembershipId } }`: the Bungie.net
 * membership id, the Bungie Name (else the display name) as the name and preferred username, the profile picture, and
 * the Destiny memberships (type, id and display name of each) with the primary one. An answer without a Bungie.net
 * user names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const response = objectOf(objectOf(body)?.Response);
  const user = objectOf(response?.bungieNetUser);
  const id = int64(user?.membershipId);
  if (!user || !id) return undefined;
  const name = bungieName(user) ?? trimmedText(user.displayName) ?? trimmedText(user.uniqueName);
  const picture = trimmedText(user.profilePicturePath);
  const memberships = Array.isArray(response!.destinyMemberships) ? response!.destinyMemberships.map(objectOf) : [];
  const destiny = memberships.flatMap((membership) => {
    const membershipId = int64(membership?.membershipId);
    const type = membership?.membershipType;
    if (!membershipId || typeof type !== 'number' || !Number.isInteger(type)) return [];
    const displayName = trimmedText(membership!.bungieGlobalDisplayName) ?? trimmedText(membership!.displayName);
    return [{ membershipType: type, membershipId, ...(displayName ? { displayName } : {}) }];
  });
  const primary = int64(response!.primaryMembershipId);
  return {
    membership_id: id,
    ...(name ? { name, preferred_username: name } : {}),
    ...(picture ? { picture: picture.startsWith('/') ? `https://www.bungie.net${picture}` : picture } : {}),
    destiny_memberships: destiny,
    ...(primary ? { primary_membership_id: primary } : {}),
  };
}

export const bungie: ProviderPreset = {
  displayName: 'Bungie.net',
  values: { apiKey: 'required' },
  settings: ({ apiKey }) => ({
    endpoints: {
      authorizationEndpoint: 'https://www.bungie.net/en/OAuth/Authorize',
      tokenEndpoint: 'https://www.bungie.net/Platform/App/OAuth/token/',
      userinfoEndpoint: 'https://www.bungie.net/Platform/User/GetMembershipsForCurrentUser/',
    },
    scope: '',
    apiBaseUrl: 'https://www.bungie.net/Platform',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    ...(apiKey ? { apiHeaders: { 'x-api-key': apiKey } } : {}),
    fixedApiHeaders: ['x-api-key'],
    subjectClaim: 'membership_id',
    refreshTokenIdleSeconds: 90 * 86_400,
    hooks: { profileClaims },
  }),
};
