/**
 * DigiLocker (India's Digital Locker, National e-Governance Division), for an Authorized Partner's application
 * registered on its Partners Portal (the client id and secret, the callback as its redirect URI). Plain OAuth 2.0,
 * RFC 6749's authorization code grant, with explicit endpoints: no discovery, no ID token. From DigiLocker's
 * Authorized Partner API Specification as published on API Setu
 * (https://apisetu.gov.in/api_specification_v8/authpartner.yaml):
 * - `GET /public/oauth2/1/authorize` takes `client_id`, `response_type=code`, `redirect_uri` and `state`, and PKCE's
 *   `code_challenge` with `code_challenge_method=S256`, the only method taken (sent here); it names no scope
 *   parameter, so none is asked;
 * - `POST /public/oauth2/1/token` takes the code (with `redirect_uri` and `code_verifier`) and the refresh grant,
 *   the app's key and secret as form parameters or as HTTP Basic (in the form here); it answers `access_token`,
 *   `expires_in` (3600 in its example), `token_type` (always Bearer), `scope` and `refresh_token`, beside the
 *   person's details;
 * - the person is `GET /public/oauth2/1/user` with the token as Bearer: `digilockerid`, "a unique 36 character
 *   DigiLocker Id of the user account", is the subject (the specification says the user details do not change),
 *   with `name`, `dob` (DDMMYYYY, kept also as `birthdate` in ISO 8601), `gender` and the `eaadhaar` indicator; no
 *   e-mail. A token it does not take is a 401 `invalid_token`, "The access token is invalid". The API base is
 *   `/public/oauth2`, under which the file APIs are (`/2/files/issued`);
 * - `POST /public/oauth2/1/revoke` takes a JSON body with `token` and `token_type_hint` (`refresh_token` or
 *   `access_token`) and invalidates the token and the others of its grant; a token it does not know is a 400. The
 *   revoke hook sends the refresh token there (the access token when there is none), once.
 * Not checked against DigiLocker's pages: the production host, `https://api.digitallocker.gov.in` (from integrations'
 * code: the specification as published names only its sandbox, `https://betaapi.digitallocker.gov.in`, which
 * `<NAME>_BASE_URL` selects); whether the user API's members come under `details` (as the specification's schema
 * draws them) or at the top (as integrations read them): both are read; how the client authenticates at
 * `/revoke` (its security scheme is a client-credentials flow; HTTP Basic with the key and secret is sent); whether a
 * refresh answers a new refresh token (the newest is kept either way); the token endpoint's refusals (RFC 6749
 * §5.2's codes assumed); the error a declined authorization comes back with (`access_denied` assumed).
 */
import { ProviderUnavailableError } from '../errors.js';
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';
import { textMembers, trimmedText } from './profile-text.js';

const PRODUCTION = 'https://api.digitallocker.gov.in';

/** `DDMMYYYY` as ISO 8601's `YYYY-MM-DD`; undefined for anything else. */
function isoDate(dob: unknown): string | undefined {
  const match = /^(\d{2})(\d{2})(\d{4})$/.exec(trimmedText(dob) ?? (typeof dob === 'number' ? String(dob).padStart(8, '0') : ''));
  return match ? `${match[3]}-${match[2]}-${match[1]}` : undefined;
}

/**
 * The account of `/oauth2/1/user`, its members under `details` or at the top: `digilockerid` (36 characters), the
 * name, the date of birth, the gender and the e-Aadhaar indicator; an answer without the id names no one.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const answer = objectOf(body);
  const user = objectOf(answer?.details) ?? answer;
  const id = trimmedText(user?.digilockerid);
  if (!id || id.length !== 36) return undefined;
  return {
    digilockerid: id,
    ...textMembers({ name: user!.name, birthdate: isoDate(user!.dob), gender: user!.gender, eaadhaar: user!.eaadhaar ?? user!.eaadhar }),
  };
}

/** Revokes the grant at `/oauth2/1/revoke`: its refresh token (or, without one, the access token), as JSON, the client as Basic. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('DigiLocker revocation needs the revocation endpoint');
  const [token, hint] = request.refreshToken ? [request.refreshToken, 'refresh_token'] : [request.accessToken, 'access_token'];
  const response = await request.send(request.revocationEndpoint, {
    method: 'POST',
    headers: {
      accept: 'application/json',
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${request.clientId}:${request.clientSecret}`).toString('base64')}`,
    },
    body: JSON.stringify({ token, token_type_hint: hint }),
  });
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return 'revoked';
  // "The token is invalid": DigiLocker no longer holds it.
  if (response.status === 400) return 'already_revoked';
  throw new ProviderUnavailableError(response.status >= 500 ? 'provider_error' : 'provider_bad_response', `DigiLocker answered HTTP ${response.status} to the revocation.`);
}

export const digilocker: ProviderPreset = {
  displayName: 'DigiLocker',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const oauth = `${baseUrl ? withoutTrailingSlash(baseUrl) : PRODUCTION}/public/oauth2`;
    return {
      endpoints: {
        authorizationEndpoint: `${oauth}/1/authorize`,
        tokenEndpoint: `${oauth}/1/token`,
        userinfoEndpoint: `${oauth}/1/user`,
        revocationEndpoint: `${oauth}/1/revoke`,
      },
      scope: '',
      apiBaseUrl: oauth,
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'digilockerid',
      hooks: { profileClaims, revoke },
    };
  },
};
