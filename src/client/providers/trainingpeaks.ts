/**
 * TrainingPeaks (the Partner API, for an application whose client TrainingPeaks issues on request, the callback
 * registered with it). Plain OAuth 2.0 authorization code with explicit endpoints, on a host of its own beside the
 * API's: no discovery, no ID token. From TrainingPeaks' Partner API wiki:
 * - `GET https://oauth.trainingpeaks.com/OAuth/Authorize` with `response_type=code`, the application's `client_id`,
 *   its `redirect_uri` and the scopes it was allowed; the code is redeemed at
 *   `https://oauth.trainingpeaks.com/oauth/token`, and `https://oauth.trainingpeaks.com/oauth/deauthorize` removes the
 *   person's authorization of the application (https://github.com/TrainingPeaks/PartnersAPI/wiki/OAuth). Each
 *   application has a client id and secret; a grant gives "short lived" per-user access and refresh tokens, the
 *   refresh token getting a new access token once one ends (the same page). The sandbox has the same three under
 *   `https://oauth.sandbox.trainingpeaks.com`, which the endpoint variables set;
 * - the API is `https://api.trainingpeaks.com` (the sandbox's `https://api.sandbox.trainingpeaks.com`) with the token
 *   as `Authorization: Bearer`, JSON in and out, and a `User-Agent` of the form
 *   `[Name of your application or client_identifier]/[version number]` (https://github.com/TrainingPeaks/PartnersAPI/wiki).
 *   `<NAME>_USER_AGENT` gives it; without it, the client id followed by `/1.0` is sent, on the token requests too
 *   (the tokenRequest hook), as a fixed API header elsewhere;
 * - an athlete is known by `Id`, a number, "TrainingPeaks athlete identifier" (`AthleteId` in
 *   https://github.com/TrainingPeaks/PartnersAPI/wiki/v2-Metrics-Get-Athlete-Metrics), the id every athlete's
 *   route takes; an athlete record carries `FirstName`, `LastName`, `Email`, `TimeZone`, `IsPremium`…
 *   (https://github.com/TrainingPeaks/PartnersAPI/wiki/Coach-Get-Athletes). The person is the athlete of
 *   `GET /v1/athlete/profile`, whose `Id` is the subject; the e-mail is kept unverified.
 * The scope asked is `athlete:profile workouts:read`: the athlete's profile, which the sign-in reads, and their
 * workouts. A coach's application asks `coach:athletes` instead, which cannot go with `athlete:profile`, and has no
 * athlete profile to sign in with: this preset is for athletes.
 * Not checked against TrainingPeaks' own pages (they come from integrations' notes of them): the token request's form
 * (`grant_type`, `code`, `redirect_uri`, `client_id` and `client_secret` in a URL-encoded body) and its JSON answer
 * (`access_token`, `token_type`, `expires_in`, `refresh_token`, `scope`); the scope names and that the scopes are
 * space-separated; the access token's lifetime (600 s is said, up to 3600 s seen: `expires_in` is read); whether a
 * refresh answers a new refresh token and ends the old one (the newest is always kept); the token endpoint's
 * refusals (RFC 6749 §5.2's are assumed); the profile's members beyond those of an athlete record; the
 * deauthorization (a POST with the access token as Bearer, answered 200 or 204); the User-Agent's version part; whether
 * PKCE is read (none is sent) and how a declined authorization comes back (RFC 6749's `access_denied` is assumed).
 */
import type { RevocationOutcome, RevocationRequest } from '../provider-hooks.js';
import { revokeWithBearer } from './bearer-revocation.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers } from './profile-text.js';

/** The User-Agent the wiki asks for, `<client_identifier>/<version>`, when `<NAME>_USER_AGENT` gives none. */
function trainingPeaksUserAgent(clientId: string): string {
  return `${/^[\w.-]+$/.test(clientId) ? clientId : 'Tokenkeeper'}/1.0`;
}

/** openid-client's token request with the application's User-Agent, as every TrainingPeaks call carries it. */
function tokenRequestWith(userAgent: string) {
  return (request: { body: URLSearchParams; headers: Record<string, string> }): { body: string; headers: Record<string, string> } => {
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== 'user-agent'));
    return { body: request.body.toString(), headers: { ...headers, 'user-agent': userAgent } };
  };
}

/**
 * The athlete of `/v1/athlete/profile`: `Id` (a positive whole number, as text), the first and last names joined as
 * the name, and the e-mail; an answer without an id names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const athlete = objectOf(body);
  const id = athlete?.Id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  return {
    id: String(id),
    ...textMembers({ name: joinedName(athlete!.FirstName, athlete!.LastName), given_name: athlete!.FirstName, family_name: athlete!.LastName, email: athlete!.Email }),
  };
}

/** Removes the person's authorization with `POST /oauth/deauthorize`, the access token as Bearer. */
async function revoke(request: RevocationRequest): Promise<RevocationOutcome> {
  if (!request.revocationEndpoint) throw new Error('TrainingPeaks revocation needs the deauthorize endpoint');
  return revokeWithBearer(request, request.revocationEndpoint, { method: 'POST', headers: request.apiHeaders }, { provider: 'TrainingPeaks', what: 'the deauthorization' });
}

export const trainingpeaks: ProviderPreset = {
  displayName: 'TrainingPeaks',
  values: { userAgent: 'optional' },
  settings: ({ userAgent: configured }, client) => {
    const userAgent = configured ?? trainingPeaksUserAgent(client?.clientId ?? '');
    return {
      endpoints: {
        authorizationEndpoint: 'https://oauth.trainingpeaks.com/OAuth/Authorize',
        tokenEndpoint: 'https://oauth.trainingpeaks.com/oauth/token',
        userinfoEndpoint: 'https://api.trainingpeaks.com/v1/athlete/profile',
        revocationEndpoint: 'https://oauth.trainingpeaks.com/oauth/deauthorize',
      },
      scope: 'athlete:profile workouts:read',
      apiBaseUrl: 'https://api.trainingpeaks.com',
      apiHeaders: { 'user-agent': userAgent },
      fixedApiHeaders: ['user-agent'],
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
      claimNames: { name: 'name', email: 'email' },
      hooks: { tokenRequest: tokenRequestWith(userAgent), profileClaims, revoke },
    };
  },
};
