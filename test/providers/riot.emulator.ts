/**
 * An emulator of Riot Sign On (RSO) for one RSO client, its issuer the emulator's origin (as
 * `https://auth.riotgames.com`), and of the Riot Games API's account-v1 on the same origin, written from Riot's pages
 * (https://support-developer.riotgames.com/hc/en-us/articles/22801670382739-RSO-Riot-Sign-On,
 * https://www.riotgames.com/en/DevRel/rso, the "Implementing Riot Sign On" tutorial,
 * https://developer.riotgames.com/apis#account-v1):
 * - the authorization code flow, OpenID Connect: an ID token whose `sub` is the player's PUUID;
 * - the client as HTTP Basic with its `client_secret` (an older RSO client's `client_secret_basic`); the client in
 *   the form instead is refused;
 * - `GET /riot/account/v1/accounts/me` with the RSO access token as Bearer: the player's `puuid` (the 78-character
 *   encrypted form the API gives), `gameName` and `tagLine`.
 * Made up here (Riot's pages as read do not say): the discovery document and its paths (`/authorize`, `/token`,
 * `/userinfo`, `/jwks.json`), with no revocation endpoint; `openid` required; a refresh token only with
 * `offline_access`; an hour's access tokens; a refresh rotating the refresh token (the spent one refused); userinfo
 * answering `sub` alone; refusals as RFC 6749 §5.2's bare `error`; the API's 401 body, the Riot Games API's
 * `{ status: { message, status_code } }`. removeApp() is the player taking the application's access away. The
 * authorization page approves at once for signInAs()'s player.
 */
import { createHash } from 'node:crypto';
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { openIdTokenAnswer, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface RiotPlayer {
  /** The player's PUUID: the `sub`. */
  puuid: string;
  gameName: string;
  tagLine: string;
}

export interface RiotEmulator extends EmulatorHandle<RiotPlayer> {
  readonly issuer: string;
  /** The player takes the application's access away: every token of theirs stops working. */
  removeApp(player: RiotPlayer): void;
  /** Each token request's form, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

export const RIOT_ACCESS_TOKEN_SECONDS = 3600;

/** The 78-character encrypted PUUID the Riot Games API answers for a player (here a digest of the PUUID). */
export function encryptedPuuid(puuid: string): string {
  return createHash('sha512').update(puuid).digest('base64url').slice(0, 78);
}

const unauthorized = () => json(401, { status: { message: 'Unauthorized', status_code: 401 } });

export async function startRiotEmulator(options: EmulatorOptions): Promise<RiotEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<RiotPlayer>({ now, accessTokenTtl: RIOT_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<RiotPlayer>(server, grants);
  const tokenForms: URLSearchParams[] = [];

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/jwks.json`,
      end_session_endpoint: `${issuer}/logout`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'offline_access', 'cpid'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'],
    }),
  );
  server.route('GET', '/jwks.json', () => json(200, key.jwks));

  authorizationEndpoint(server, '/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => ((query.get('scope') ?? '').split(' ').includes('openid') ? undefined : { error: 'invalid_scope' }),
    request: (query) => ({ refreshToken: (query.get('scope') ?? '').split(' ').includes('offline_access') }),
  });

  tokenEndpoint(server, '/token', {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return request.basicAuth() !== null && !request.form().has('client_secret') && authenticatesAs(request, { clientId: options.clientId, clientSecret: options.clientSecret });
    },
    answer: async ({ grant, tokens }) => {
      const idToken = await grantIdToken(key, grant, tokens.accessToken, { iss: issuer, aud: options.clientId, sub: grant.user.puuid });
      return json(200, grant.scope.split(' ').includes('openid') ? openIdTokenAnswer(tokens, grant.scope, 'Bearer', idToken) : tokenMembers(tokens, grant.scope, 'Bearer'));
    },
  });

  server.route('GET', '/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    return json(200, { sub: grant.user.puuid });
  });

  server.route('GET', '/riot/account/v1/accounts/me', (request) => {
    server.count('account');
    const grant = bearerGrant(grants, request, unauthorized);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, { puuid: encryptedPuuid(user.puuid), gameName: user.gameName, tagLine: user.tagLine });
  });

  return {
    ...controls.handle,
    issuer,
    removeApp: (player) => grants.revokeGrantsOf((someone) => someone.puuid === player.puuid),
    tokenForms,
  };
}
