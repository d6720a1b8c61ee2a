/**
 * An emulator of the EVE SSO (login.eveonline.com) and of the part of ESI (esi.evetech.net) a connection touches,
 * written from EVE's SSO documentation (https://developers.eveonline.com/docs/services/sso/ and the pages of
 * https://docs.esi.evetech.net/docs/sso/):
 * - Authorize: `GET /v2/oauth/authorize` with `response_type=code`, `client_id`, `redirect_uri`, `scope` and
 *   `state`, PKCE S256 taken. A scope the application was not registered with is sent back as `invalid_scope`,
 *   and a person who refuses as `access_denied` (RFC 6749 §4.1.2.1; EVE's pages show neither). A refresh token
 *   is issued only when a scope was asked ("If any valid scope was requested").
 * - Token: `POST /v2/oauth/token`, a form only (SSO v2 refuses JSON, migrate_v1_v2.html), the client as Basic or
 *   in the form (the metadata's `client_secret_basic` and `client_secret_post`). The answer is `access_token`,
 *   `expires_in: 1199`, `token_type: "Bearer"` and `refresh_token`, with no `scope`. Each refresh answers a new
 *   refresh token and the one used stops working (the rotation migrate_v1_v2.html asks apps to be ready for).
 *   Refusals are RFC 6749's `{ error, error_description }`, 400 (401 for the client).
 * - The access token is a JWT signed RS256 with the key of `/oauth/jwks` (validating_eve_jwt.html): `scp` (a
 *   string for one scope, an array for several), `jti`, `kid`, `sub: "CHARACTER:EVE:<id>"`, `azp`, `tenant`,
 *   `tier`, `region`, `aud: [client id, "EVE Online"]`, `name`, `owner`, `exp`, `iat` and `iss`, the SSO's host
 *   name (its URL with `issuerAsUrl`).
 * - Revoke: `POST /v2/oauth/revoke` (RFC 7009, revoking_refresh_tokens.html), the client as Basic, a form of
 *   `token` and `token_type_hint`: a refresh token ends its grant; an access token, a JWT, is answered 200 and
 *   lives out its 20 minutes (an assumption: EVE documents revoking refresh tokens only). 200 either way.
 * - ESI: `GET /characters/:id/wallet/` (scope `esi-wallet.read_character_wallet.v1`, the token's own character)
 *   answers the balance, a number. A token it does not take is 401 and one for another character or without
 *   the scope 403, each `{ "error": … }` (the texts are this emulator's).
 * - removeApp() is the person revoking the application on EVE's support site: its grants end.
 */
import { requestedScopes } from './kit/authorization.js';
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { jwtAccessTokens } from './kit/jwt-access-tokens.js';
import { createSigningKey } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface EveCharacter {
  characterId: number;
  name: string;
  /** The owner hash: the same for a character as long as it stays on one EVE account. */
  ownerHash: string;
  walletBalance: number;
}

export interface EveEmulatorOptions extends Omit<EmulatorOptions, 'now'> {
  /** The scopes the application was registered with. */
  scopes: string[];
  /** `iss` as the SSO's URL rather than its host name (EVE sends either). */
  issuerAsUrl?: boolean;
}

export interface EveEmulator extends EmulatorHandle<EveCharacter> {
  /** The person revokes the application on EVE's support site: its grants for that character end. */
  removeApp(character: EveCharacter): void;
  /** The form of each revocation request, in order. */
  readonly revocations: readonly URLSearchParams[];
}

const ACCESS_TOKEN_TTL = 1199;
const WALLET_SCOPE = 'esi-wallet.read_character_wallet.v1';

export async function startEveEmulator(options: EveEmulatorOptions): Promise<EveEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<EveCharacter>({ accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'rotating' });
  const key = await createSigningKey('RS256');
  const jwts = jwtAccessTokens(grants, key);
  const controls = emulatorControls<EveCharacter>(server, jwts);
  const revocations: URLSearchParams[] = [];
  const issuer = options.issuerAsUrl ? server.origin : new URL(server.origin).host;

  authorizationEndpoint(server, '/v2/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => (requestedScopes(query).some((scope) => !options.scopes.includes(scope)) ? { error: 'invalid_scope' } : undefined),
    request: (query) => ({ refreshToken: requestedScopes(query).length > 0 }),
  });

  tokenEndpoint(server, '/v2/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) =>
      (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? authenticatesAs(request, options) : oauthError(400, 'invalid_request', 'Invalid request body'),
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Unknown client'),
      code: () => oauthError(400, 'invalid_grant', 'Invalid authorization code'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'Invalid refresh token'),
    },
    answer: async ({ grant, tokens }) => {
      const scopes = grant.scope.split(' ').filter(Boolean);
      const character = grant.user;
      const claims = {
        scp: scopes.length === 1 ? scopes[0] : scopes,
        kid: key.kid,
        sub: `CHARACTER:EVE:${character.characterId}`,
        azp: options.clientId,
        tenant: 'tranquility',
        tier: 'live',
        region: 'world',
        aud: [options.clientId, 'EVE Online'],
        name: character.name,
        owner: character.ownerHash,
        iss: issuer,
      };
      const accessToken = await jwts.issue(tokens.accessToken, claims, ACCESS_TOKEN_TTL);
      return json(200, { access_token: accessToken, expires_in: tokens.expiresIn, token_type: 'Bearer', ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}) });
    },
  });

  server.route('GET', '/oauth/jwks', () => json(200, key.jwks));

  server.route('POST', '/v2/oauth/revoke', (request) => {
    server.count('revoke');
    if (!authenticatesAs(request, options) || !request.basicAuth()) return oauthError(401, 'invalid_client', 'Unknown client');
    const form = request.form();
    revocations.push(form);
    const token = form.get('token') ?? '';
    const refreshGrant = grants.grantOfToken(token);
    if (refreshGrant) grants.revokeGrant(refreshGrant.id);
    return { status: 200 };
  });

  server.route('GET', '/characters/:id/wallet/', (request) => {
    server.count('wallet');
    const grant = bearerGrant(jwts, request, () => json(401, { error: 'authentication failure' }));
    if (!isGrant(grant)) return grant;
    if (String(grant.user.characterId) !== request.params.id || !grant.scope.split(' ').includes(WALLET_SCOPE)) return json(403, { error: 'token not valid for scope' });
    return json(200, grant.user.walletBalance);
  });

  return {
    ...controls.handle,
    revocations,
    removeApp: (character) => grants.revokeGrantsOf((someone) => someone.characterId === character.characterId),
  };
}
