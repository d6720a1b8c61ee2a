/**
 * An emulator of Storyblok's OAuth 2.0 for plugins (app.storyblok.com/oauth/authorize, /oauth/token) and of the
 * part of the Management API a connection touches (mapi.storyblok.com/v1), written from Storyblok's pages
 * (https://www.storyblok.com/docs/plugins/oauth-authorization-flow,
 * https://www.storyblok.com/docs/api/management/getting-started/authentication,
 * https://www.storyblok.com/docs/api/management/oauth/get-user-info):
 * - Authorize: `GET /oauth/authorize` with the plugin's `client_id` and redirect URI, `response_type=code`, `scope`
 *   (`read_content`, `write_content`), `state` and an S256 `code_challenge`; approved, the code comes back with the
 *   state (Storyblok adds the `space_id` of the space the plugin was opened in, which nothing here reads, so it is
 *   not sent).
 * - Token: `POST /oauth/token`, the client in the form and the PKCE verifier; JSON `access_token`,
 *   `token_type: "bearer"`, `expires_in`, `refresh_token` and `scope`. The token is for that one space.
 * - Management API, the token as Bearer: `GET /v1/user_info` answers `{ user: { friendly_name, id }, roles }`;
 *   `GET /v1/spaces/:space_id/stories` the space's stories.
 * Made up here (Storyblok's pages do not say): the token request's form and answer beyond the library's use of
 * them, the hour's access token, a refresh answering a new refresh token while the spent one lasts (the
 * 'reissued' policy), refusals as RFC 6749 §5.2's bare `error`, the 401 body for a token the API does not take, a
 * declined authorization as `error=access_denied`. removeAccess() is the plugin uninstalled, or the person's
 * access to the space ended: every token of theirs stops working. The authorization page approves at once for
 * signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface StoryblokUser {
  /** The user's numeric id, the same in every space. */
  id: number;
  friendlyName: string;
}

export interface StoryblokEmulator extends EmulatorHandle<StoryblokUser> {
  /** The plugin is uninstalled, or the person loses the space: every token of theirs stops working. */
  removeAccess(user: StoryblokUser): void;
  /** The next /v1/user_info request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order, as Storyblok read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** The emulated access token's lifetime (Storyblok says only that its tokens have a time-to-live). */
export const STORYBLOK_ACCESS_TOKEN_SECONDS = 3600;
const SCOPES = ['read_content', 'write_content'];

const unauthorized = (): EmulatorReply => json(401, { error: 'Unauthorized' });

export async function startStoryblokEmulator(options: EmulatorOptions): Promise<StoryblokEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<StoryblokUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: STORYBLOK_ACCESS_TOKEN_SECONDS, refreshPolicy: 'reissued' });
  const controls = emulatorControls<StoryblokUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => ((query.get('scope') ?? '').split(' ').every((scope) => SCOPES.includes(scope)) ? undefined : { error: 'invalid_scope' }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return formCredentials(request, options);
    },
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'bearer')),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/v1/user_info', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { error: 'Internal Server Error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, { user: { friendly_name: user.friendlyName, id: user.id }, roles: [{ name: 'admin' }] });
  });

  server.route('GET', '/v1/spaces/:space_id/stories', (request) => {
    server.count('stories');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { stories: [{ id: 369689, name: 'Home', slug: 'home', full_slug: 'home', is_folder: false, published: true }] });
  });

  return {
    ...controls.handle,
    removeAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
