/**
 * Blizzard Battle.net (a client registered in the Blizzard Developer
 * Portal, for the Profile APIs of World of Warcraft, StarCraft II and
 * Diablo III). OpenID Connect with discovery. From Blizzard's docs
 * (https://develop.battle.net/documentation/guides/using-oauth,
 * https://develop.battle.net/documentation/guides/getting-started,
 * https://develop.battle.net/documentation/guides/regionality-and-apis):
 * - one OAuth server for the Americas, Europe, Korea and Taiwan,
 *   `https://oauth.battle.net`, whose
 *   `/.well-known/openid-configuration` names `/authorize`, `/token`,
 *   `/userinfo`, `/revoke` and the RS256 keys at `/jwks/certs` there; China
 *   has its own, `https://oauth.battlenet.com.cn`, named with
 *   `<NAME>_BASE_URL` (the older per-region hosts,
 *   `https://us.battle.net/oauth` and the like, are retired);
 * - the scope asked is `openid wow.profile sc2.profile d3.profile`: the
 *   Battle.net account, and the person's characters and profiles in each
 *   game (fewer with `<NAME>_SCOPE`). The client goes as HTTP Basic, as the
 *   guides' examples send it;
 * - the token answer is `access_token`, `token_type: "bearer"`,
 *   `expires_in` (86399: 24 hours), `scope`, `sub` and, with `openid`,
 *   `id_token`. There is no refresh token: once the access token ends, the
 *   connection needs a new sign-in (its end is known, so it is marked then,
 *   without asking Blizzard). A password change or an account lock ends
 *   tokens earlier;
 * - the person is the ID token's `sub`, the account id as a string; userinfo
 *   answers it again with `id` (the same number) and `battletag`
 *   (`Name#1234`), the account's display name, kept as the name and the
 *   preferred username. Battle.net gives apps no e-mail;
 * - the APIs are per region, the region in the host and, for the Profile
 *   APIs, in a `namespace` parameter (`/profile/user/wow?namespace=profile-us`):
 *   `https://us.api.blizzard.com` is the default base, and
 *   `https://eu.api.blizzard.com`, `kr.` and `tw.` are reached with an
 *   absolute URL or the `Tokenkeeper-Api-Base` header; China's is
 *   `https://gateway.battlenet.com.cn`, the base when `<NAME>_BASE_URL` is
 *   China's OAuth server. The token goes as `Authorization: Bearer`, as the
 *   guides send it;
 * - disconnect revokes at the `revocation_endpoint` the discovery document
 *   names (RFC 7009). The person may also remove the app in their
 *   Battle.net account.
 * Not checked against Blizzard's pages: `/revoke`, which the discovery
 * document names and the guides do not describe (RFC 7009's request, with
 * the client as Basic, is assumed; a failure is reported and the tokens are
 * deleted here all the same); whether PKCE is taken (the discovery document
 * names no method; S256 is sent, which RFC 7636 §4.5 has a server without
 * it ignore); that the ID token carries the `nonce` sent (integrations that
 * check it find it there); the error bodies of a refused code or client
 * (RFC 6749 §5.2's are assumed); and whether China's server serves the same discovery
 * document (the guides also name `https://www.battlenet.com.cn/oauth` for
 * China; `<NAME>_ISSUER` or `<NAME>_SERVER_METADATA_URL` points elsewhere).
 */
import { objectOf, withoutTrailingSlash, type ProviderPreset } from './preset.js';

const GLOBAL = 'https://oauth.battle.net';
const CHINA = 'https://oauth.battlenet.com.cn';

/**
 * Userinfo's members with the BattleTag as the name and preferred username as well, for a display name; an answer
 * that is not an object names no one, and the sign-in fails (its `sub` was checked against the ID token's before).
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const info = objectOf(body);
  if (!info) return undefined;
  const battletag = typeof info.battletag === 'string' && info.battletag.trim() !== '' ? info.battletag.trim() : undefined;
  return battletag ? { ...info, name: battletag, preferred_username: battletag } : { ...info };
}

export const battlenet: ProviderPreset = {
  displayName: 'Battle.net',
  values: { baseUrl: 'optional' },
  settings: ({ baseUrl }) => {
    const origin = baseUrl ? withoutTrailingSlash(baseUrl) : GLOBAL;
    const china = origin === CHINA;
    return {
      discovery: { issuer: origin },
      scope: 'openid wow.profile sc2.profile d3.profile',
      apiBaseUrl: china ? 'https://gateway.battlenet.com.cn' : 'https://us.api.blizzard.com',
      ...(china ? {} : { extraApiBaseUrls: ['https://*.api.blizzard.com'] }),
      tokenEndpointAuthMethod: 'client_secret_basic',
      hooks: { profileClaims },
    };
  },
};
