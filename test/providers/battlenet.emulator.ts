/**
 * An emulator of Blizzard's Battle.net OAuth server and of two regions of
 * its API, written from Blizzard's documentation
 * (https://develop.battle.net/documentation/guides/using-oauth,
 * https://develop.battle.net/documentation/guides/regionality-and-apis) and
 * the discovery document oauth.battle.net publishes:
 * - discovery at `/.well-known/openid-configuration`, the origin its issuer,
 *   naming `/authorize`, `/token`, `/userinfo`, `/revoke`, `/logout`,
 *   `/v2/check_token` and the RS256 keys at `/jwks/certs`, and no PKCE
 *   method (a challenge sent is checked all the same);
 * - `GET /authorize` with the client's registered redirect URL, `scope`
 *   among `openid`, `wow.profile`, `sc2.profile` and `d3.profile`, `state`
 *   and `nonce`; a person who declines is sent back with `access_denied`;
 * - `POST /token` with the client as Basic or in the form, answering
 *   `access_token`, `token_type: "bearer"`, `expires_in` 86399, `scope`,
 *   `sub` and, with `openid`, an RS256 ID token (`sub`, `battle_tag`). No
 *   refresh token is ever issued, so a `refresh_token` grant is refused;
 * - `GET /userinfo` answers `sub`, `id` and `battletag`;
 * - the region APIs: `GET /profile/user/wow?namespace=profile-<region>`
 *   behind `wow.profile`, the account's characters in that region, here at
 *   the origin for the US and at `euOrigin` for Europe; a namespace of
 *   another region is 404; a token not taken is 401;
 * - `POST /revoke` (RFC 7009) with the client and `token`: the grant ends;
 *   a token it does not know is answered 200 as §2.2 has it.
 * The authorization page approves at once for signInAs()'s user.
 */
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorRequest, type EmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { createSigningKey } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface BattlenetUser {
  /** The account id; `sub` is it as a string. */
  id: number;
  /** `Name#1234`. */
  battletag: string;
  /** World of Warcraft characters by region (`us`, `eu`). */
  characters: Record<string, string[]>;
}

export interface BattlenetEmulator extends EmulatorHandle<BattlenetUser> {
  readonly issuer: string;
  /** The European region's API host. */
  readonly euOrigin: string;
  readonly euServer: EmulatorServer;
  /** The person removes the app from their Battle.net account (or changes their password): none of its tokens works. */
  removeApp(user: BattlenetUser): void;
}

const SCOPES = new Set(['openid', 'wow.profile', 'sc2.profile', 'd3.profile']);
const ACCESS_TOKEN_TTL = 86_399;

export async function startBattlenetEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<BattlenetEmulator> {
  const server = await startEmulatorServer();
  const eu = await startEmulatorServer();
  const issuer = server.origin;
  const key = await createSigningKey('RS256');
  const grants = new GrantStore<BattlenetUser>({ accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'none' });
  const controls = emulatorControls<BattlenetUser>(server, grants);

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      end_session_endpoint: `${issuer}/logout`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks/certs`,
      revocation_endpoint: `${issuer}/revoke`,
      introspection_endpoint: `${issuer}/v2/check_token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      device_authorization_endpoint: `${issuer}/device/code`,
      response_types_supported: ['code', 'code id_token', 'id_token', 'token id_token'],
      subject_types_supported: ['public', 'pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      grant_types_supported: ['authorization_code', 'client_credentials', 'implicit', 'device_code', 'refresh_token'],
    }),
  );
  server.route('GET', '/jwks/certs', () => json(200, key.jwks));

  server.route('GET', '/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return json(401, { error: 'unauthorized', error_description: 'Bad client credentials' });
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>The redirect_uri parameter must be a valid URI</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    if (requestedScopes(query).some((scope) => !SCOPES.has(scope))) return reply({ error: 'invalid_scope' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'User denied access' });
    return reply({ code: grants.issueCode(codeRequest(query, options, user)) });
  });

  tokenEndpoint(server, '/token', {
    client: options,
    grants,
    authenticates: (request) => authenticatesAs(request, options),
    failure: { queued: controls.tokenFailure, reply: (status) => json(status, { error: 'server_error' }) },
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Bad client credentials'),
      code: () => oauthError(400, 'invalid_grant', 'Invalid authorization code'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'Invalid refresh token'),
    },
    answer: async ({ grant, tokens }) => {
      const openid = grant.scope.split(' ').includes('openid');
      const sub = String(grant.user.id);
      const idToken = openid ? await key.signIdToken({ iss: issuer, aud: options.clientId, sub, azp: options.clientId, battle_tag: grant.user.battletag, ...(grant.nonce ? { nonce: grant.nonce } : {}) }) : undefined;
      return json(200, { access_token: tokens.accessToken, token_type: 'bearer', expires_in: tokens.expiresIn, scope: grant.scope, sub, ...(idToken ? { id_token: idToken } : {}) });
    },
  });

  const caller = (request: EmulatorRequest) => bearerGrant(grants, request, () => json(401, { error: 'invalid_token', error_description: 'Invalid access token' }));

  server.route('GET', '/userinfo', (request) => {
    server.count('userinfo');
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    return json(200, { sub: String(grant.user.id), id: grant.user.id, battletag: grant.user.battletag });
  });

  /** The WoW account profile summary of one region, as that region's API host serves it. */
  const wowProfile = (host: EmulatorServer, region: string) =>
    host.route('GET', '/profile/user/wow', (request) => {
      host.count('wow_profile');
      const grant = caller(request);
      if (!isGrant(grant)) return grant;
      if (!grant.scope.split(' ').includes('wow.profile')) return json(403, { code: 403, type: 'BLZWEBAPI00000403', detail: 'Forbidden' });
      if (request.url.searchParams.get('namespace') !== `profile-${region}`) return json(404, { code: 404, type: 'BLZWEBAPI00000404', detail: 'Not Found' });
      const characters = (grant.user.characters[region] ?? []).map((name, index) => ({ name, id: grant.user.id * 10 + index, realm: { slug: region === 'eu' ? 'silvermoon' : 'area-52' } }));
      return json(200, { id: grant.user.id, wow_accounts: [{ id: 1, characters }] });
    });
  wowProfile(server, 'us');
  wowProfile(eu, 'eu');

  server.route('POST', '/revoke', (request) => {
    server.count('revoke');
    if (!authenticatesAs(request, options)) return oauthError(401, 'invalid_client', 'Bad client credentials');
    const token = request.form().get('token');
    if (!token) return oauthError(400, 'invalid_request');
    const grant = grants.grantOfToken(token);
    if (grant) grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  return {
    ...controls.handle,
    close: async () => {
      await eu.close();
      await server.close();
    },
    issuer,
    euOrigin: eu.origin,
    euServer: eu,
    removeApp: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
