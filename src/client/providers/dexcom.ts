/**
 * Dexcom (the Dexcom API, v3 data endpoints, for an app registered in the
 * Dexcom Developer Program). Plain OAuth 2.0 with explicit endpoints: no
 * discovery, no ID token. From Dexcom's docs
 * (https://developer.dexcom.com/docs/dexcom/authentication,
 * https://developer.dexcom.com/docs/dexcomv3/endpoint-overview):
 * - `GET {base}/v2/oauth2/login` with `client_id`, `redirect_uri`,
 *   `response_type=code`, `scope=offline_access`, the one scope Dexcom takes,
 *   and `state`;
 * - `POST {base}/v2/oauth2/token`, a form with `client_id`, `client_secret`,
 *   `grant_type` and the code and `redirect_uri`, or the refresh token; the
 *   answer is `access_token`, `expires_in` (7200: two hours), `token_type`
 *   `Bearer` and `refresh_token`. A refresh answers a new refresh token,
 *   and the one spent can be used no more, so the new one is kept in its place;
 * - `{base}` is `https://api.dexcom.com` (the United States), or
 *   `https://api.dexcom.eu` (Europe and elsewhere), `https://api.dexcom.jp`
 *   (Japan) or `https://sandbox-api.dexcom.com` (the sandbox, whose users are
 *   picked from a list), given as `<NAME>_BASE_URL`; the API is at the same
 *   base, the token as Bearer;
 * - Dexcom has no user API that names the person: no name, no e-mail. Every
 *   v3 answer carries the authorized user's `userId`, a UUID, beside its
 *   records, which Dexcom documents as unique per Dexcom account and per
 *   client, and different for the same person at another client
 *   (https://developer.dexcom.com/docs/dexcomv3/operation/getEstimatedGlucoseValuesV3):
 *   a pairwise id, so the person is the `userId` of
 *   `GET /v3/users/self/dataRange`
 *   (https://developer.dexcom.com/docs/dexcomv3/operation/getDataRangeV3),
 *   the smallest of these answers. Nothing else of it (the data's first and
 *   last times) is kept as the profile;
 * - Dexcom documents no revocation endpoint: the person revokes an app's
 *   access in their Dexcom account, so disconnect deletes the tokens here.
 * Not checked against Dexcom's pages: whether dataRange answers a `userId`
 * for a user with no records yet (its windows absent); how long a refresh
 * token lives unused (no end is assumed, so no keep-alive); whether a spent refresh token is still taken
 * for a while; whether PKCE is taken (none is sent) or Basic credentials at
 * the token endpoint (the form is what the docs send); the body of a refusal
 * (RFC 6749's `error` is read); that the regional hosts serve the OAuth
 * endpoints under the same paths as api.dexcom.com, as the API reference
 * lists them as servers of every path.
 */
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';

const UNITED_STATES = 'https://api.dexcom.com';

/** The person of a v3 answer: its `userId` alone; an answer without one names no one, and the sign-in fails. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const userId = objectOf(body)?.userId;
  return typeof userId === 'string' && userId.trim() !== '' ? { userId: userId.trim() } : undefined;
}

export const dexcom: ProviderPreset = {
  displayName: 'Dexcom',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const origin = baseUrl ? withoutTrailingSlash(baseUrl) : UNITED_STATES;
    return {
      endpoints: {
        authorizationEndpoint: `${origin}/v2/oauth2/login`,
        tokenEndpoint: `${origin}/v2/oauth2/token`,
        userinfoEndpoint: `${origin}/v3/users/self/dataRange`,
      },
      scope: 'offline_access',
      apiBaseUrl: origin,
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'userId',
      hooks: { profileClaims },
    };
  },
};
