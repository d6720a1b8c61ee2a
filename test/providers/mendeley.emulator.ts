/**
 * An emulator of Mendeley's OAuth 2.0 (api.mendeley.com/oauth/authorize, /oauth/token) and of the part of its API a
 * connection touches, written from Mendeley's developer portal
 * (https://dev.mendeley.com/reference/topics/authorization_auth_code.html,
 * https://dev.mendeley.com/getting_started/hello_mendeley.html, https://dev.mendeley.com/methods/):
 * - Authorize: `GET /oauth/authorize` with `client_id`, `redirect_uri`, `response_type=code`, `scope=all` and
 *   `state`; a client or redirection URL that is not the application's is a 400 that is not sent back, a scope other
 *   than `all` comes back as `error=invalid_scope&error_description=Invalid scope`, else a code with the state.
 * - Token: `POST /oauth/token`, the client as HTTP Basic (or `client_id` and `client_secret` in the form, which
 *   Mendeley also takes); a refused client is a 401 with `WWW-Authenticate` and a plain-text body. The code exchange
 *   carries `code` and `redirect_uri`, a refresh `refresh_token` and `redirect_uri`: a parameter missing is 400
 *   `invalid_request`, a wrong or spent one 400 `invalid_grant` (a spent code "Invalid access code"), another grant
 *   type `unsupported_grant_type`, each as JSON with `error_description`. The answer is `access_token`,
 *   `expires_in` (3600), `refresh_token` and `token_type: "bearer"`.
 * - API: the token as Bearer; `GET /profiles/me` answers the person's profile (`id`, a UUID), `GET /documents` the
 *   documents of their library.
 * Made up here (Mendeley's pages do not say): the 400 for a wrong client as an HTML page (Mendeley's is JSON
 * `error_message`); a declined authorization (`access_denied`); a refresh answering a new refresh token that ends
 * the spent one (Mendeley says one "may" be issued and the old discarded); the wording of the 401 plain text and of
 * the API's 401 for a token it does not take; the profile's members past `id`. removeAccess() is the person
 * revoking the application's access in their Mendeley account. The authorization page approves at once for
 * signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface MendeleyUser {
  /** The profile's id, a UUID. */
  id: string;
  firstName: string;
  lastName: string;
  email: string;
}

export interface MendeleyEmulator extends EmulatorHandle<MendeleyUser> {
  /** The person revokes the application's access: every token of theirs stops working. */
  removeAccess(user: MendeleyUser): void;
  /** The next /profiles/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
  /** The form of each token request, in order, as Mendeley read it. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** Mendeley's access tokens last one hour. */
export const MENDELEY_ACCESS_TOKEN_SECONDS = 3600;

const unauthorizedClient = (): EmulatorReply => ({ status: 401, headers: { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Basic realm="Mendeley"' }, body: 'Unauthorized' });
const unauthorizedToken = () => json(401, { message: 'Could not access resource because: Token is not valid' });

export async function startMendeleyEmulator(options: EmulatorOptions): Promise<MendeleyEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<MendeleyUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: MENDELEY_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<MendeleyUser>(server, grants);
  const tokenForms: URLSearchParams[] = [];
  const profileFailure = queuedFailure();

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: 'Redirection URI does not match the one registered for this application',
    pkce: false,
    refuse: (query) => (query.get('scope') === 'all' ? undefined : { error: 'invalid_scope', error_description: 'Invalid scope' }),
  });

  /** The redirection URL a request must carry again: missing is `invalid_request`, another `invalid_grant`. */
  const redirectUriRefusal = (form: URLSearchParams) => {
    const sent = form.get('redirect_uri');
    if (!sent) return oauthError(400, 'invalid_request', 'Missing redirect_uri');
    return sent === options.redirectUri ? undefined : oauthError(400, 'invalid_grant', 'Invalid redirect_uri');
  };

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return authenticatesAs(request, options);
    },
    pkce: false,
    refuseCode: (form) => (form.get('code') ? redirectUriRefusal(form) : oauthError(400, 'invalid_request', 'Missing code')),
    refuseRefresh: (presented, form) => (presented ? redirectUriRefusal(form) : oauthError(400, 'invalid_request', 'Missing refresh_token')),
    errors: {
      client: unauthorizedClient,
      grantType: () => oauthError(400, 'unsupported_grant_type', 'Unsupported grant type'),
      code: () => oauthError(400, 'invalid_grant', 'Invalid access code'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'Invalid refresh token'),
    },
    answer: ({ tokens }) => json(200, tokenMembers(tokens, undefined, 'bearer')),
  });

  const apiGrant = (request: EmulatorRequest) => bearerGrant(grants, request, unauthorizedToken);

  server.route('GET', '/profiles/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return json(status, { message: 'Internal server error' });
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      id: user.id,
      first_name: user.firstName,
      last_name: user.lastName,
      display_name: `${user.firstName} ${user.lastName}`,
      email: user.email,
      link: `https://www.mendeley.com/profiles/${user.firstName.toLowerCase()}-${user.lastName.toLowerCase()}/`,
      academic_status: 'Researcher',
      verified: true,
      user_type: 'normal',
      created: '2014-08-26T13:20:20.000Z',
    });
  });

  server.route('GET', '/documents', (request) => {
    server.count('documents');
    const grant = apiGrant(request);
    if (!isGrant(grant)) return grant;
    return json(200, [{ id: '2a3f09be-75b0-3bf9-bdbd-838c5e588969', title: 'Laser cooling of atoms', type: 'journal', profile_id: grant.user.id, year: 1979, source: 'Physical Review A' }]);
  });

  return {
    ...controls.handle,
    removeAccess: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
    tokenForms,
  };
}
