/**
 * netID, the European netID Foundation's (EnID) single sign-on for German web services, for a client of a service
 * registered in the netID Developer Portal (its Client ID, its secret, "netID Token", and the Callback URL). OpenID
 * Connect's authorization code flow through EnID's broker at `https://broker.netid.de`, with discovery at
 * `https://broker.netid.de/.well-known/openid-configuration`. From netID's Single Sign-on documentation
 * (https://developerzone.netid.dev/sso/, whose source is https://github.com/eunid/netID-docs):
 * - every request asks `openid`; `profile` (family and given names, gender, birthdate) and `email` (`email`,
 *   `email_verified`) are asked too, which the person may deselect ("Claims and Scopes"); claims a service needs
 *   for sure are asked as essential claims with `<NAME>_AUTHORIZATION_PARAMS` (`claims={"userinfo":…}`), and
 *   `prompt`, `max_age`, `login_hint`, `state` and `nonce` are taken ("Optional Parameters"). PKCE is supported,
 *   mandatory only for apps without a secret and recommended for web clients ("Client Types", "Security
 *   Information"), so S256 is sent;
 * - `POST /token` takes the code with `redirect_uri`, the client by `client_secret_basic` (sent, as netID's example
 *   has it: `base64(client_id:client_secret)` and curl's `-u`, the two not form-encoded first; the Developer Portal's
 *   client ids are UUIDs, whose `-` RFC 6749 §2.3.1's encoding would change) or `client_secret_post`, and answers `access_token`, `token_type: "Bearer"`, `expires_in` (899: access tokens last
 *   15 minutes, codes 30 seconds and once) and an `id_token`; no refresh token is shown or mentioned, so when the
 *   access token ends the connection needs a new sign-in ("Token Endpoint");
 * - the ID token in netID's example is unsigned (its header `{"alg":"none"}`; an earlier revision of the page said
 *   "the only token signature supported is none"), so it is dropped unread (idTokenUnused) and the person read from
 *   `GET /userinfo` with the token as Bearer, whose answer also carries `sub` ("UserInfo Endpoint");
 * - the subject is that `sub`, a pairwise subject identifier derived from a technical parameter of the service, the
 *   same for every client of that service ("General Overview"); the name is `given_name` and `family_name` joined,
 *   the e-mail kept with its `email_verified`. The API base is the broker (`/userinfo`).
 * Not checked against netID's pages: the discovery document itself (the ID token example's `iss`,
 * `https://broker.netid.de/`, is taken as the issuer), the token endpoint's refusals (RFC 6749 §5.2's are assumed),
 * the answer for a person who declines (`access_denied` assumed), what userinfo answers for a token it no longer
 * takes (401 assumed), and revocation (none documented: disconnect deletes the token here only).
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/**
 * netID's userinfo as claims: the pairwise `sub`, `given_name` and `family_name` joined as the name, and the e-mail
 * with `email_verified` when netID says it; an answer without a `sub` names no one.
 */
function netidUserinfoClaims(body: unknown): Record<string, unknown> | undefined {
  const userinfo = objectOf(body);
  const sub = trimmedText(userinfo?.sub);
  if (!userinfo || !sub) return undefined;
  const email = trimmedText(userinfo.email);
  return {
    sub,
    ...textMembers({ name: joinedName(userinfo.given_name, userinfo.family_name), given_name: userinfo.given_name, family_name: userinfo.family_name, email }),
    ...(email && typeof userinfo.email_verified === 'boolean' ? { email_verified: userinfo.email_verified } : {}),
  };
}

export const netid: ProviderPreset = {
  displayName: 'netID',
  settings: () => ({
    discovery: { issuer: 'https://broker.netid.de/' },
    scope: 'openid profile email',
    apiBaseUrl: 'https://broker.netid.de',
    tokenEndpointAuthMethod: 'client_secret_basic',
    basicCredentials: 'plain',
    idTokenUnused: true,
    subjectClaim: 'sub',
    hooks: { profileClaims: netidUserinfoClaims },
  }),
};
