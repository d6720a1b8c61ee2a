/**
 * An emulator of Onshape's OAuth 2.0 (oauth.onshape.com/oauth/authorize,
 * /oauth/token) and of the part of its REST API a connection touches,
 * written from Onshape's developer documentation
 * (https://onshape-public.github.io/docs/auth/oauth/):
 * - Authorize: `GET /oauth/authorize` with the parameters in the query; a
 *   person who denies the application is sent back with RFC 6749's
 *   `error=access_denied` (its wording is not shown).
 * - Token: `POST /oauth/token`, a URL-encoded form with `client_id` and
 *   `client_secret` (no Basic), for `authorization_code` (with the
 *   `redirect_uri` the authorization named) and `refresh_token`. Each
 *   answer is RFC 6749 §5.1's `access_token`, `token_type`, `expires_in`
 *   (3600: "the next 60 minutes") and a new `refresh_token`; whether the
 *   spent one ends is not documented, so here it lasts (the 'reissued'
 *   policy). Refresh tokens last as long as the grant. Refusals are RFC
 *   6749 §5.2's (Onshape shows none).
 * - `GET /api/users/sessioninfo`: `id`, `name`, `firstName`, `lastName`,
 *   `email`, `company` (BTUserOAuth2SummaryInfo in Onshape's generated
 *   API clients, https://github.com/onshape-public/go-client).
 * - API: `GET /api/documents`, the person's documents (its members here
 *   are this emulator's); a token it does not take is a 401.
 * There is no revocation endpoint: the person revokes the application in
 * Onshape (`revokeApplication`), which invalidates its tokens. The
 * authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface OnshapeUser {
  /** The user's id, 24 hexadecimal digits. */
  id: string;
  firstName: string;
  lastName: string;
  email: string;
}

export interface OnshapeEmulator extends EmulatorHandle<OnshapeUser> {
  /** The person revokes the application under My account → Applications: every token of theirs stops working. */
  revokeApplication(user: OnshapeUser): void;
  /** The next /api/users/sessioninfo request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order, as Onshape read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

const ACCESS_TOKEN_TTL = 3600;

const unauthorized = () => json(401, { status: 401, message: 'Unauthenticated API request', code: 0, moreInfoUrl: '' });

export async function startOnshapeEmulator(options: EmulatorOptions): Promise<OnshapeEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<OnshapeUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ACCESS_TOKEN_TTL, refreshPolicy: 'reissued' });
  const controls = emulatorControls<OnshapeUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    denied: { error: 'access_denied', error_description: 'The user denied the application (emulator wording)' },
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return formCredentials(request, options);
    },
    pkce: false,
    answer: ({ tokens }) => json(200, tokenMembers(tokens, undefined, 'bearer')),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorized);

  server.route('GET', '/api/users/sessioninfo', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { status, message: 'Internal error', code: 0, moreInfoUrl: '' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      id: user.id,
      href: `https://cad.onshape.com/api/users/${user.id}`,
      name: `${user.firstName} ${user.lastName}`,
      firstName: user.firstName,
      lastName: user.lastName,
      email: user.email,
      isGuest: false,
      isLight: false,
      clientId: options.clientId,
      oauth2Scopes: 3,
      company: null,
    });
  });

  server.route('GET', '/api/documents', (request) => {
    server.count('documents');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, { items: [{ id: 'e60c4803eaf2ac8be492c18e', name: 'Bracket', owner: { id: grant.user.id } }], next: null, previous: null });
  });

  return {
    ...controls.handle,
    revokeApplication: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
