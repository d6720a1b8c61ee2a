/**
 * An emulator of Copper's OAuth and Developer API, written from Copper's pages
 * (https://developer.copper.com/introduction/oauth/flow.html, https://developer.copper.com/introduction/oauth/quickstart.html,
 * https://developer.copper.com/introduction/requests.html, https://developer.copper.com/account-and-users/fetch-user-by-id.html):
 * - `GET /oauth/authorize` with `response_type=code`, `client_id`, `redirect_uri`, `scope` (which must be
 *   `developer/v1/all`) and `state`; the answer goes back to the redirect URI as a POST of a form (`code`, `state`),
 *   here a page whose form posts itself;
 * - `POST /oauth/token` with the client in the form, answering `access_token`, `token_type: "Bearer"` and `scope`:
 *   no expiry, no refresh token;
 * - `GET /developer_api/v1/users/me` (`id`, `name`, `email`, `groups`) and `GET /developer_api/v1/account` (the
 *   company: `id`, `name`), the token as Bearer and `X-PW-Application: developer_api` required.
 * Made up here: the pages for an unknown client or redirect URI, the refusals at the authorization endpoint (posted
 * back as RFC 6749's errors) and the token endpoint (RFC 6749 §5.2's), and the API's answers to a missing
 * `X-PW-Application` (400) and to a token it does not take (401), with a `{ success, status, message }` body.
 * The authorization page approves at once for signInAs()'s person.
 */
import { codeRequest } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { tokenEndpoint } from './kit/token-endpoint.js';

export interface CopperUser {
  /** The user's numeric id. */
  id: number;
  name: string;
  email: string;
}

export interface CopperEmulator extends EmulatorHandle<CopperUser> {
  /** The integration is removed from the person's Copper settings: every token of theirs stops working. */
  removeIntegration(user: CopperUser): void;
  /** The next /users/me request fails with this HTTP status. */
  failNextProfile(status: number): void;
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page that sends the person back to the redirect URI as a POST of these fields. */
function postBack(action: string, fields: Record<string, string | undefined>): EmulatorReply {
  const inputs = Object.entries(fields)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}"/>`);
  return html(200, `<!DOCTYPE html><html><body onload="document.forms[0].submit()"><form method="post" action="${escapeHtml(action)}">${inputs.join('')}</form></body></html>`);
}

const copperError = (status: number, message: string) => json(status, { success: false, status, message });

export async function startCopperEmulator(options: EmulatorOptions): Promise<CopperEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<CopperUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<CopperUser>(server, grants);
  const profileFailure = queuedFailure();

  server.route('GET', '/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>Invalid client</h1>');
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Invalid redirect URI</h1>');
    const back = (fields: Record<string, string | undefined>) => postBack(options.redirectUri, { ...fields, state: query.get('state') ?? undefined });
    if (query.get('response_type') !== 'code') return back({ error: 'unsupported_response_type' });
    if (query.get('scope') !== 'developer/v1/all') return back({ error: 'invalid_scope' });
    const user = controls.approver();
    if (!user) return back({ error: 'access_denied' });
    return back({ code: grants.issueCode({ ...codeRequest(query, options, user), codeChallenge: undefined, codeChallengeMethod: undefined }) });
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    pkce: false,
    answer: ({ grant, tokens }) => json(200, { access_token: tokens.accessToken, token_type: 'Bearer', scope: grant.scope }),
  });

  const caller = (request: EmulatorRequest) => {
    if (request.headers['x-pw-application'] !== 'developer_api') return copperError(400, 'Missing X-PW-Application header');
    return bearerGrant(grants, request, () => copperError(401, 'Invalid token'));
  };

  server.route('GET', '/developer_api/v1/users/me', (request) => {
    server.count('profile');
    const status = profileFailure.take();
    if (status !== undefined) return copperError(status, 'Internal Server Error');
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, { id: user.id, name: user.name, email: user.email, groups: [{ id: 1, name: 'Sales' }] });
  });

  server.route('GET', '/developer_api/v1/account', (request) => {
    server.count('account');
    const grant = caller(request);
    if (!isGrant(grant)) return grant;
    return json(200, { id: 10000, name: 'Acme Corp' });
  });

  return {
    ...controls.handle,
    removeIntegration: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextProfile: profileFailure.queue,
  };
}
