/**
 * An emulator of Home Connect's authorization server and API as Home Connect
 * documents them (https://api-docs.home-connect.com/authorization/,
 * https://developer.home-connect.com/docs/authorization/flow,
 * https://developer.home-connect.com/docs/authorization/token_refresh,
 * https://api-docs.home-connect.com/quickstart/): `GET
 * /security/oauth/authorize` refusing a scope without `IdentifyAppliance`
 * (required for every request) and keeping an S256 or plain PKCE challenge;
 * `POST /security/oauth/token` taking the client in the form only (the code
 * exchange with `client_id` and `client_secret`, a refresh with the
 * `client_secret`, a `client_id` beside it checked too), answering
 * `id_token` (the access token again), `access_token`, `expires_in` (a day),
 * `scope`, `refresh_token` (ended after two months unused) and `token_type`;
 * `GET /api/homeappliances` with the token as Bearer, answered in BSH's media
 * type. There is no user endpoint: a token says nothing of who the person is.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

/** An appliance paired with a Home Connect account. */
export interface HomeConnectAppliance {
  haId: string;
  name: string;
  type: string;
  brand: string;
}

/** A Home Connect account, with the appliances paired with it. */
export interface HomeConnectAccount {
  appliances: HomeConnectAppliance[];
}

export interface HomeConnectEmulator extends EmulatorHandle<HomeConnectAccount> {
  /** The form of each token request, in order, as Home Connect read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

export const HOME_CONNECT_ACCESS_TOKEN_SECONDS = 86_400;
/** A refresh token not used for two months ends. */
export const HOME_CONNECT_REFRESH_IDLE_SECONDS = 60 * 86_400;
export const HOME_CONNECT_MEDIA_TYPE = 'application/vnd.bsh.sdk.v1+json';

export async function startHomeConnectEmulator(options: EmulatorOptions): Promise<HomeConnectEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<HomeConnectAccount>({
    ...(options.now ? { now: options.now } : {}),
    accessTokenTtl: HOME_CONNECT_ACCESS_TOKEN_SECONDS,
    refreshPolicy: 'static',
    refreshTokenIdleTtl: HOME_CONNECT_REFRESH_IDLE_SECONDS,
  });
  const controls = emulatorControls<HomeConnectAccount>(server, grants);
  const tokenForms: URLSearchParams[] = [];

  authorizationEndpoint(server, '/security/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      const scope = query.get('scope');
      return scope !== null && !scope.split(' ').includes('IdentifyAppliance') ? { error: 'invalid_scope' } : undefined;
    },
  });

  /** The client in the form alone: the code exchange with its id and secret, a refresh with its secret (an id sent beside it must be the client's). */
  const authenticates = (request: EmulatorRequest) => {
    const form = request.form();
    tokenForms.push(form);
    if (request.headers.authorization || form.get('client_secret') !== options.clientSecret) return false;
    return form.get('grant_type') === 'refresh_token' && !form.has('client_id') ? true : form.get('client_id') === options.clientId;
  };

  tokenEndpoint(server, '/security/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates,
    answer: ({ tokens, grant }) => json(200, { id_token: tokens.accessToken, ...tokenMembers(tokens, grant.scope, 'Bearer') }),
  });

  server.route('GET', '/api/homeappliances', (request) => {
    server.count('homeappliances');
    const grant = bearerGrant(grants, request, () => json(401, { error: { key: 'invalid_token', description: 'The access token read from the request is invalid' } }, { 'content-type': HOME_CONNECT_MEDIA_TYPE }));
    if (!isGrant(grant)) return grant;
    return json(200, { data: { homeappliances: grant.user.appliances.map((appliance) => ({ ...appliance, connected: true })) } }, { 'content-type': HOME_CONNECT_MEDIA_TYPE });
  });

  return { ...controls.handle, tokenForms };
}
