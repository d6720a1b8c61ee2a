/**
 * EVE Online (the EVE SSO, for an application registered at https://developers.eveonline.com/applications).
 * Plain OAuth 2.0 with explicit endpoints and no ID token: the SSO's RFC 8414 metadata
 * (`/.well-known/oauth-authorization-server`) names its issuer `login.eveonline.com`, a host name where RFC 8414
 * §2 wants a URL, so it is not used for discovery. From EVE's SSO documentation
 * (https://developers.eveonline.com/docs/services/sso/ and the pages of https://docs.esi.evetech.net/docs/sso/):
 * - `GET <base>/v2/oauth/authorize` with `response_type=code`, `redirect_uri`, `client_id`, a space-separated
 *   `scope` of the ESI scopes the application was registered with, and `state`; PKCE S256 is taken
 *   (`code_challenge_methods_supported`). `<base>` is `https://login.eveonline.com`, or another SSO instance
 *   through `<NAME>_BASE_URL` (`https://sisilogin.testeveonline.com`, the Singularity test server's).
 * - `POST <base>/v2/oauth/token`, a form (SSO v2 takes no JSON or query string, migrate_v1_v2.html) with the
 *   client as Basic. The answer is `access_token`, `expires_in` (about 20 minutes), `token_type` and, when any
 *   valid scope was asked, `refresh_token`, which "can be stored and used indefinitely"; each refresh answers a
 *   refresh token that replaces the stored one (refreshing_access_tokens.html; migrate_v1_v2.html, step 2).
 * - The access token is a JWT signed by the SSO (validating_eve_jwt.html): `sub` is `CHARACTER:EVE:<character
 *   id>`, `name` the character's name, `owner` the character's owner hash, `scp` the scopes granted (one scope as
 *   a string, several as an array), `aud` the client id and `"EVE Online"`, and `iss` the SSO's host name or its
 *   URL. There is no userinfo endpoint (v1's `/oauth/verify` is gone, migrate_v1_v2.html, step 4): the person is
 *   read from the code exchange's access token (tokenResponseProfile). Its issuer and audience are checked; its
 *   signature is not, as it came straight from the token endpoint over TLS, which OpenID Connect Core §3.1.3.7
 *   (6) accepts in place of the signature of an ID token received the same way.
 * - The answer names no `scope`, which RFC 6749 §5.1 reads as the scope asked for; the JWT's `scp` says the same.
 * - The subject is the character id with its owner hash (`<character id>:<owner hash>`): a character can be
 *   transferred to another EVE account (https://support.eveonline.com/hc/en-us/articles/203465481-Character-Transfer),
 *   and its new owner, whose owner hash differs, must not sign in as the account the old owner made here.
 * - `POST <base>/v2/oauth/revoke` is RFC 7009's, the client as Basic, `token_type_hint=refresh_token`
 *   (revoking_refresh_tokens.html): disconnecting revokes the refresh token there, which ends the grant.
 * - ESI is `https://esi.evetech.net`, the access token as Bearer.
 * Not checked against EVE's own pages: that `publicData` (the default scope, which gives a refresh token and asks
 * no character data) is still taken by SSO v2, whose scopes are otherwise ESI's; that the owner hash changes on a
 * transfer and for nothing else (EVE's developer community keys characters on it for that reason); how the
 * revocation endpoint answers an access token (RFC 7009 §2.2's 200 is assumed: the JWT lives out its 20 minutes);
 * and the token endpoint's refusals, assumed RFC 6749's `{ error, error_description }`.
 */
import { decodeJwt } from 'jose';
import { withoutTrailingSlash, type ProviderPreset } from './preset.js';

const EVE_SSO = 'https://login.eveonline.com';

/** The claims of an access token the SSO issued, or undefined for anything that is not a JWT. */
function accessTokenClaims(accessToken: unknown): Record<string, unknown> | undefined {
  if (typeof accessToken !== 'string') return undefined;
  try {
    return decodeJwt(accessToken);
  } catch {
    return undefined;
  }
}

/**
 * The character the code exchange's access token names, once its issuer is the configured SSO (its host name or
 * URL) and the client among its audience: `character_ownership` (the subject), `character_id`, `name` and
 * `owner_hash`. Anything else names no one, and the sign-in fails.
 */
function tokenResponseProfileFor(sso: string, clientId: string | undefined) {
  const issuers = [sso, new URL(sso).host];
  return (answer: Record<string, unknown>): Record<string, unknown> | undefined => {
    const claims = accessTokenClaims(answer.access_token);
    if (!claims || typeof claims.iss !== 'string' || !issuers.includes(withoutTrailingSlash(claims.iss))) return undefined;
    const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (clientId !== undefined && !audience.includes(clientId) && claims.azp !== clientId) return undefined;
    const character = typeof claims.sub === 'string' ? /^CHARACTER:EVE:(\d+)$/.exec(claims.sub) : null;
    const owner = typeof claims.owner === 'string' && claims.owner !== '' ? claims.owner : undefined;
    if (!character || !owner) return undefined;
    const name = typeof claims.name === 'string' && claims.name.trim() !== '' ? claims.name.trim() : undefined;
    return { character_ownership: `${character[1]}:${owner}`, character_id: Number(character[1]), owner_hash: owner, ...(name ? { name } : {}) };
  };
}

export const eveonline: ProviderPreset = {
  displayName: 'EVE Online',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }, client) => {
    const sso = withoutTrailingSlash(baseUrl ?? EVE_SSO);
    return {
      endpoints: {
        authorizationEndpoint: `${sso}/v2/oauth/authorize`,
        tokenEndpoint: `${sso}/v2/oauth/token`,
        revocationEndpoint: `${sso}/v2/oauth/revoke`,
      },
      scope: 'publicData',
      apiBaseUrl: 'https://esi.evetech.net',
      tokenEndpointAuthMethod: 'client_secret_basic',
      subjectClaim: 'character_ownership',
      claimNames: { name: 'name' },
      hooks: { tokenResponseProfile: tokenResponseProfileFor(sso, client?.clientId) },
    };
  },
};
