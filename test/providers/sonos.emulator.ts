/**
 * An emulator of Sonos's login service and Control API as Sonos documents them
 * (https://docs.sonos.com/docs/authorize, https://docs.sonos.com/reference/createtoken,
 * https://developer.sonos.com/reference/authorization-api/refresh-token/,
 * https://docs.sonos.com/docs/discover): `GET /login/v3/oauth` requiring
 * `state` and the one scope `playback-control-all`; `POST
 * /login/v3/oauth/access` taking the key and secret as HTTP Basic only (a
 * wrong or missing pair is 401 `invalid_client`), `redirect_uri` required
 * with the code, a refresh token it does not take refused 400
 * `invalid_request` "Invalid refresh token"; `GET
 * /control/api/v1/households` with the token as Bearer. There is no user
 * endpoint: a token says nothing of who the person is.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

/** A Sonos account, with its households (players on one network each). */
export interface SonosAccount {
  householdIds: string[];
}

export interface SonosEmulator extends EmulatorHandle<SonosAccount> {
  /** The person removes the integration in the Sonos app: every token of theirs stops working. */
  removeIntegration(account: SonosAccount): void;
  /** The form of each token request, in order, as Sonos read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** The access token lifetime emulated (a day; Sonos's pages as read give no figure). */
export const SONOS_ACCESS_TOKEN_SECONDS = 86_400;
export const SONOS_SCOPE = 'playback-control-all';

export async function startSonosEmulator(options: EmulatorOptions): Promise<SonosEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<SonosAccount>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: SONOS_ACCESS_TOKEN_SECONDS, refreshPolicy: 'static' });
  const controls = emulatorControls<SonosAccount>(server, grants);
  const tokenForms: URLSearchParams[] = [];

  authorizationEndpoint(server, '/login/v3/oauth', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => {
      if (!query.get('state') || !query.get('scope')) return { error: 'invalid_request' };
      return query.get('scope') === SONOS_SCOPE ? undefined : { error: 'invalid_scope' };
    },
  });

  tokenEndpoint(server, '/login/v3/oauth/access', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return basicAsSent(request, options);
    },
    pkce: false,
    errors: {
      refreshToken: () => json(400, { error: 'invalid_request', error_description: 'Invalid refresh token' }),
    },
    refuseCode: (form) => (form.get('redirect_uri') ? undefined : json(400, { error: 'invalid_request' })),
    answer: ({ tokens, grant }) => json(200, tokenMembers(tokens, grant.scope, 'Bearer')),
  });

  server.route('GET', '/control/api/v1/households', (request) => {
    server.count('households');
    const grant = bearerGrant(grants, request, () => json(401, {}));
    if (!isGrant(grant)) return grant;
    return json(200, { households: grant.user.householdIds.map((id) => ({ id })) });
  });

  return {
    ...controls.handle,
    removeIntegration: (account) => grants.revokeGrantsOf((someone) => someone === account),
    tokenForms,
  };
}
