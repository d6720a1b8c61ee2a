/**
 * Riot Games (Riot Sign On, RSO: an RSO client Riot grants an application
 * that already has an approved production key, its redirect URLs given when
 * it is requested). OpenID Connect with discovery at
 * `https://auth.riotgames.com`. From Riot's pages:
 * - RSO is OAuth 2 with OpenID Connect for sign-in: the player signs in at
 *   Riot, acknowledges what the third party gets, and is sent back to it with
 *   a code; one RSO client serves all of a developer's applications
 *   (https://support-developer.riotgames.com/hc/en-us/articles/22801670382739-RSO-Riot-Sign-On,
 *   https://www.riotgames.com/en/DevRel/rso);
 * - the flow is the authorization code flow; an older RSO client
 *   authenticates with a `client_secret` as HTTP Basic (`client_secret_basic`,
 *   the preset's), a newer one with a key pair Riot generates for it
 *   (`private_key_jwt`: `<NAME>_TOKEN_ENDPOINT_AUTH_METHOD=private_key_jwt`
 *   with the private key in `<NAME>_PRIVATE_KEY_FILE`)
 *   ("Implementing Riot Sign On",
 *   https://docs.google.com/document/d/e/2PACX-1vTSthxkWOIqPFe8Xqqjv4Ona5pRa5W3X6bLg4I47X15gJjG9ae-HU5a0by7VIVLWdPMgB9fTr5gvQcY/pub);
 * - the person is the ID token's `sub`, OpenID Connect Core §2's identifier
 *   the issuer never reassigns; Riot's player identifier is the PUUID, one
 *   per player, unique across regions and games and kept when the player
 *   moves region
 *   (https://www.riotgames.com/en/DevRel/player-universally-unique-identifiers-and-a-new-security-layer/).
 *   RSO gives no name and no e-mail;
 * - an RSO access token is the credential of the Riot Games API calls made
 *   for the player, in place of an API key
 *   (https://www.riotgames.com/en/DevRel/rso): `GET
 *   /riot/account/v1/accounts/me` answers the player's account (`puuid`,
 *   `gameName`, `tagLine`) on the regional routing hosts `americas`, `asia`
 *   and `europe` (https://developer.riotgames.com/apis#account-v1). The API
 *   base is `https://americas.api.riotgames.com`; the other hosts under
 *   `https://*.api.riotgames.com` are reached with an absolute URL or the
 *   `Tokenkeeper-Api-Base` header.
 * Not checked against Riot's pages (only the start of the tutorial was
 * read): the discovery document at
 * `https://auth.riotgames.com/.well-known/openid-configuration`, its issuer
 * and endpoints (`/authorize`, `/token`, `/userinfo`, `/jwks.json`, as
 * integrations of RSO use them); the scope `openid offline_access`
 * (`offline_access`, OpenID Connect Core §11's, for a refresh token, asked
 * with `prompt=consent` as §11 has it, which integrations of RSO ask for
 * alone; `cpid` adds the player's game region, `<NAME>_SCOPE`); that `sub`
 * is the PUUID (integrations say so); the access token's lifetime and
 * whether a refresh answers a new refresh token (the newest is kept); PKCE
 * (not documented, so not sent); the refusals' bodies (RFC 6749 §5.2's
 * assumed); revocation (none documented, nor, as far as read, in the
 * discovery document: disconnect forgets the tokens here).
 */
import type { ProviderPreset } from './preset.js';

export const riot: ProviderPreset = {
  displayName: 'Riot Games',
  settings: () => ({
    discovery: { issuer: 'https://auth.riotgames.com' },
    scope: 'openid offline_access',
    apiBaseUrl: 'https://americas.api.riotgames.com',
    extraApiBaseUrls: ['https://*.api.riotgames.com'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    pkce: false,
  }),
};
