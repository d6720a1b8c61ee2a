/**
 * An emulator of Resideo's Honeywell Home API as Resideo documents it (https://developer.honeywellhome.com/oauth2-guide,
 * https://developer.honeywellhome.com/authorization-oauth2/apis/post/token,
 * https://developer.honeywellhome.com/authorization-oauth2/apis/post/token-0,
 * https://developer.honeywellhome.com/content/oauth2-client-credentials, https://developer.honeywellhome.com/lyric/apis):
 * `GET /oauth2/authorize` with the API key as `client_id` and the app's redirect URI, no scope; `POST /oauth2/token`
 * taking the key and secret as HTTP Basic only, `grant_type`, `code` and `redirect_uri` all required for the code,
 * answering `expires_in` as a string and `token_type` `BearerToken` as Resideo's example answer does, a refresh token
 * it does not take refused 400 `{ "error": "invalid_grant" }`; `GET /v2/locations` with the token as Bearer and the
 * API key as `apikey` in the query. There is no user endpoint: a token says nothing of who the person is.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { basicAsSent } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

/** A Honeywell Home account, with its locations (a home each, its devices in it). */
export interface ResideoAccount {
  locations: Array<{ locationID: number; name: string }>;
}

export interface ResideoEmulator extends EmulatorHandle<ResideoAccount> {
  /** The person's grant to the app ends at Resideo (however it is withdrawn): every token of theirs stops working. */
  removeAccess(account: ResideoAccount): void;
  /** The form of each token request, in order, as Resideo read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** The access token lifetime emulated: the `expires_in` of Resideo's example answer ("3599"). */
export const RESIDEO_ACCESS_TOKEN_SECONDS = 3599;

export async function startResideoEmulator(options: EmulatorOptions): Promise<ResideoEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<ResideoAccount>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: RESIDEO_ACCESS_TOKEN_SECONDS, refreshPolicy: 'static' });
  const controls = emulatorControls<ResideoAccount>(server, grants);
  const tokenForms: URLSearchParams[] = [];

  authorizationEndpoint(server, '/oauth2/authorize', { client: options, grants, approver: controls.approver, pkce: false });

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return basicAsSent(request, options);
    },
    pkce: false,
    refuseCode: (form) => (form.get('code') && form.get('redirect_uri') ? undefined : oauthError(400, 'invalid_request')),
    answer: ({ tokens }) =>
      json(200, { access_token: tokens.accessToken, refresh_token: tokens.refreshToken, token_type: 'BearerToken', expires_in: String(tokens.expiresIn), refresh_count: '0', status: 'approved' }),
  });

  server.route('GET', '/v2/locations', (request) => {
    server.count('locations');
    if (request.url.searchParams.get('apikey') !== options.clientId) return json(401, { code: 401, message: 'Invalid ApiKey' });
    const grant = bearerGrant(grants, request, () => json(401, { code: 401, message: 'Unauthorized' }));
    if (!isGrant(grant)) return grant;
    return json(200, grant.user.locations.map((location) => ({ ...location, devices: [] })));
  });

  return {
    ...controls.handle,
    removeAccess: (account) => grants.revokeGrantsOf((someone) => someone === account),
    tokenForms,
  };
}
