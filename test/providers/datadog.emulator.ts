/**
 * An emulator of one Datadog site: its OAuth endpoints and the part of its
 * API a connection touches, written from Datadog's documentation
 * (https://docs.datadoghq.com/developers/authorization/oauth2_endpoints/,
 * https://docs.datadoghq.com/developers/authorization/oauth2_in_datadog/,
 * https://docs.datadoghq.com/getting_started/site/). The site is named by
 * its site parameter, `<label>.localhost:<port>`, so that its API host is
 * `api.<site>` as Datadog's are (the test resolves `.localhost` names to
 * this loopback server); its authorization page is at `origin`.
 * - Authorize: `GET /oauth2/v1/authorize` with `client_id`, `redirect_uri`
 *   (the client's, else Datadog's own error page, no redirect),
 *   `response_type=code` and a PKCE challenge (S256; a client with PKCE
 *   turned on, as this one is, is refused without it as `invalid_request`);
 *   no scope is read: the client's scopes are its own. The redirect back
 *   carries `code` and `domain`, this site's parameter, where the code is
 *   exchanged; a person who declines comes back with `error=access_denied`.
 *   A person of a site emulated beside this one (`otherSites`) is sent on to
 *   that site's authorization page, which issues the code (not shown by
 *   Datadog: a person signs in at their own site).
 * - Token: `POST /oauth2/v1/token` on the API host, a form with `client_id`,
 *   `client_secret`, `redirect_uri`, `grant_type`, `code_verifier`, `code`;
 *   200 with `access_token`, `refresh_token`, `token_type`, `expires_in`
 *   3600 (access tokens live an hour) and `scope`; a refresh answers a new
 *   pair (the used refresh token then refused, not shown by Datadog); no
 *   client secret is a 401, a code or refresh token it does not take a 400
 *   with RFC 6749's `error`.
 * - Revoke: `POST /oauth2/v1/revoke` (RFC 7009), a form with the client and
 *   `token`: 200, also for a token it does not know; a request without a
 *   token is a 400 `invalid_request`.
 * - API, the token as Bearer: `GET /api/v2/current_user`
 *   (https://docs.datadoghq.com/api/latest/users/get-current-user/), the
 *   user as `{ data: { type: "users", id, attributes } }`, and
 *   `GET /api/v1/dashboard` (https://docs.datadoghq.com/api/latest/dashboards/),
 *   the proxied call; a token it does not take is a 401
 *   `{ "errors": ["Unauthorized"] }` (the body as Datadog's API errors are
 *   shaped; the status not shown for OAuth tokens).
 * The authorization page approves at once for signInAs()'s person.
 */
import { redirectBack } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, redirect, startEmulatorServer, type EmulatorReply } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface DatadogUser {
  /** Datadog's user id, a UUID. */
  id: string;
  name: string;
  email: string;
  /** The site parameter of the person's site, when not the one signed in at (another emulator's `site`, or a real one). */
  site?: string;
}

export interface DatadogEmulatorOptions extends Omit<EmulatorOptions, 'now'> {
  /** The first label of this site's parameter (default `us1`): the site is `<label>.localhost:<port>`. */
  label?: string;
  /** Sites emulated beside this one, the same client at each: their people are sent on to them, and they close with this one. */
  otherSites?: readonly DatadogEmulator[];
}

export interface DatadogEmulator extends EmulatorHandle<DatadogUser> {
  /** This site's parameter, `<label>.localhost:<port>`, sent back as `domain`. */
  readonly site: string;
  /** This site's API host, `http://api.<site>`, where its token endpoint and API are. */
  readonly apiOrigin: string;
  readonly otherSites: readonly DatadogEmulator[];
  /** The person revokes the client's authorization at Datadog: none of its tokens works. */
  revokeAuthorization(user: DatadogUser): void;
}

export async function startDatadogEmulator(options: DatadogEmulatorOptions): Promise<DatadogEmulator> {
  const server = await startEmulatorServer();
  const site = `${options.label ?? 'us1'}.localhost:${new URL(server.origin).port}`;
  const grants = new GrantStore<DatadogUser>({ accessTokenTtl: 3600, refreshPolicy: 'rotating', refreshTokenTtl: null });
  const controls = emulatorControls<DatadogUser>(server, grants);

  server.route('GET', '/oauth2/v1/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Invalid client or redirect URI</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    if (!query.get('code_challenge') || query.get('code_challenge_method') !== 'S256') return reply({ error: 'invalid_request' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    const home = options.otherSites?.find((other) => other.site === user.site);
    if (home) {
      // Signed in here, the person is sent on to their own site, which issues the code.
      home.signInAs(user);
      return redirect(new URL(`/oauth2/v1/authorize?${query}`, home.origin));
    }
    const code = grants.issueCode({
      clientId: options.clientId,
      redirectUri: options.redirectUri,
      scope: '',
      codeChallenge: query.get('code_challenge')!,
      codeChallengeMethod: 'S256',
      user,
    });
    // A person of a site not emulated here: the code is that site's, unknown here.
    return reply({ code: user.site && user.site !== site ? `other-site-${code}` : code, domain: user.site ?? site });
  });

  tokenEndpoint(server, '/oauth2/v1/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure, reply: (status) => json(status, { errors: ['Internal Server Error'] }) },
    authenticates: (request) => formCredentials(request, options),
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'Bearer')),
  });

  server.route('POST', '/oauth2/v1/revoke', (request) => {
    server.count('revoke');
    if (!formCredentials(request, options)) return oauthError(401, 'invalid_client');
    const token = request.form().get('token');
    if (!token) return oauthError(400, 'invalid_request');
    grants.revokeToken(token);
    return json(200, {});
  });

  const unauthorized = (): EmulatorReply => json(401, { errors: ['Unauthorized'] });

  server.route('GET', '/api/v2/current_user', (request) => {
    server.count('current_user');
    const grant = bearerGrant(grants, request, unauthorized);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      data: {
        type: 'users',
        id: user.id,
        attributes: { name: user.name, handle: user.email, email: user.email, status: 'Active', verified: true, disabled: false, created_at: '2026-01-05T09:30:00.000000+00:00' },
        relationships: { org: { data: { type: 'orgs', id: '4dee724d-00cc-11ea-a77b-570c9d03c6c5' } } },
      },
    });
  });

  server.route('GET', '/api/v1/dashboard', (request) => {
    server.count('dashboards');
    const grant = bearerGrant(grants, request, unauthorized);
    if (!isGrant(grant)) return grant;
    return json(200, { dashboards: [{ id: 'q5j-nti-fv6', title: `${grant.user.name}'s dashboard`, layout_type: 'ordered', author_handle: grant.user.email }] });
  });

  return {
    ...controls.handle,
    close: async () => {
      await controls.handle.close();
      for (const other of options.otherSites ?? []) await other.close();
    },
    site,
    apiOrigin: `http://api.${site}`,
    otherSites: options.otherSites ?? [],
    revokeAuthorization: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
