/**
 * An emulator of Attio's OAuth 2.0 for apps (app.attio.com's /authorize,
 * /oauth/token and /oauth/revoke) and of the part of its REST API
 * (api.attio.com/v2) a connection touches, written from Attio's
 * documentation:
 * - Authorize (https://docs.attio.com/rest-api/endpoint-reference/oauth/oauth-20/authorize-endpoint):
 *   `GET /authorize` with `client_id`, `response_type=code`, `redirect_uri`
 *   (exactly one of the app's) and an optional `state`; no scope parameter:
 *   the grant gets the scopes set on the app
 *   (https://docs.attio.com/rest-api/guides/configuring-oauth). An unknown
 *   client or redirect URI is a page; a person who declines goes back with
 *   RFC 6749's `error=access_denied` (not documented: assumed).
 * - Token (https://docs.attio.com/docs/oauth/token): `POST /oauth/token`
 *   with `client_id`, `client_secret`, `grant_type=authorization_code` and
 *   `code` in the form (no PKCE read). The answer is `access_token` and
 *   `token_type: "Bearer"` alone: the token does not expire and there is no
 *   refresh token. Refusals are RFC 6749 §5.2's (not documented: assumed),
 *   401 `invalid_client` for the client.
 * - Revoke (https://docs.attio.com/docs/oauth/revoke): `POST /oauth/revoke`,
 *   the token as Bearer or as `token` in a form; 204 with no body, 400 when
 *   there is no token or the two differ. The token then stops working.
 * - API (https://docs.attio.com/rest-api/guides/authentication): the token
 *   as Bearer. `GET /v2/self`
 *   (https://docs.attio.com/rest-api/endpoint-reference/meta/identify)
 *   answers the introspection members of a live token
 *   (https://docs.attio.com/docs/oauth/introspect) and `{ active: false }`
 *   for any other; `GET /v2/workspace_members/{id}` (`user_management:read`)
 *   the member as `data`
 *   (https://docs.attio.com/rest-api/endpoint-reference/workspace-members/get-a-workspace-member);
 *   `GET /v2/objects` (`object_configuration:read`) the workspace's objects.
 *   A token it does not take is 401, a scope the app lacks 403, each as
 *   Attio's `{ status_code, type, code, message }` error (its shape as
 *   Attio's API answers errors; the words are assumed).
 * The authorization page approves at once for signInAs()'s member.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface AttioMember {
  /** The workspace member id, who installs the app. */
  memberId: string;
  firstName: string;
  lastName: string;
  email: string;
  workspace: { id: string; name: string; slug: string };
}

export interface AttioEmulatorOptions extends Omit<EmulatorOptions, 'now'> {
  /** The scopes set on the app, which every grant gets. */
  scopes: string[];
}

export interface AttioEmulator extends EmulatorHandle<AttioMember> {
  /** The workspace uninstalls the app: the member's tokens stop working. */
  uninstall(memberId: string): void;
}

const attioError = (status: number, type: string, code: string, message: string): EmulatorReply => json(status, { status_code: status, type, code, message });

export async function startAttioEmulator(options: AttioEmulatorOptions): Promise<AttioEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<AttioMember>({ accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<AttioMember>(server, grants);
  const issuedAt = new Map<string, number>();

  authorizationEndpoint(server, '/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pages: { clientId: 'Unknown app', redirectUri: 'The redirect URI is not registered for this app' },
    pkce: false,
    // The app's scopes, whatever the request says; the token request names no redirect URI, so none is checked there.
    request: () => ({ scope: options.scopes.join(' '), redirectUri: undefined }),
  });

  tokenEndpoint(server, '/oauth/token', {
    client: options,
    grants,
    pkce: false,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    errors: { client: () => oauthError(401, 'invalid_client', 'Client authentication failed.') },
    answer: ({ tokens }) => {
      issuedAt.set(tokens.accessToken, Math.floor(Date.now() / 1000));
      return json(200, { access_token: tokens.accessToken, token_type: 'Bearer' });
    },
  });

  server.route('POST', '/oauth/revoke', (request) => {
    server.count('revoke');
    const inHeader = request.bearer();
    const inBody = request.form().get('token');
    if ((!inHeader && !inBody) || (inHeader && inBody && inHeader !== inBody)) return attioError(400, 'invalid_request_error', 'validation_type', 'No token, or two different tokens, in the request.');
    grants.revokeAccessToken((inHeader ?? inBody)!);
    return { status: 204 };
  });

  /** The grant of the request's Bearer token when the app holds `scope`; else Attio's 401 or 403. */
  const authorized = (request: EmulatorRequest, scope: string): Grant<AttioMember> | EmulatorReply => {
    const grant = bearerGrant(grants, request, () => attioError(401, 'auth_error', 'unauthorized', 'Invalid or revoked access token.'));
    if (isGrant(grant) && !grant.scope.split(' ').includes(scope)) return attioError(403, 'auth_error', 'missing_scopes', `This token is missing the ${scope} scope.`);
    return grant;
  };

  server.route('GET', '/v2/self', (request) => {
    server.count('self');
    const token = request.bearer() ?? '';
    const grant = grants.grantOfAccessToken(token);
    if (!grant) return json(200, { active: false });
    const { user: member } = grant;
    return json(200, {
      active: true,
      scope: grant.scope,
      client_id: options.clientId,
      token_type: 'Bearer',
      exp: null,
      iat: issuedAt.get(token) ?? 0,
      sub: member.workspace.id,
      aud: options.clientId,
      iss: 'attio.com',
      authorized_by_workspace_member_id: member.memberId,
      workspace_id: member.workspace.id,
      workspace_name: member.workspace.name,
      workspace_slug: member.workspace.slug,
      workspace_logo_url: null,
    });
  });

  server.route('GET', '/v2/workspace_members/:id', (request) => {
    server.count('workspace_member');
    const grant = authorized(request, 'user_management:read');
    if (!isGrant(grant)) return grant;
    const member = grant.user;
    if (request.params.id !== member.memberId) return attioError(404, 'invalid_request_error', 'not_found', 'Workspace member not found.');
    return json(200, {
      data: {
        id: { workspace_id: member.workspace.id, workspace_member_id: member.memberId },
        first_name: member.firstName,
        last_name: member.lastName,
        avatar_url: null,
        email_address: member.email,
        created_at: '2022-11-21T13:22:49.061281000Z',
        access_level: 'admin',
      },
    });
  });

  server.route('GET', '/v2/objects', (request) => {
    server.count('objects');
    const grant = authorized(request, 'object_configuration:read');
    if (!isGrant(grant)) return grant;
    const workspaceId = grant.user.workspace.id;
    return json(200, {
      data: [
        { id: { workspace_id: workspaceId, object_id: '97052eb9-e65e-443f-a297-f2d9a4a7f795' }, api_slug: 'people', singular_noun: 'Person', plural_noun: 'People', created_at: '2022-11-21T13:22:49.061281000Z' },
        { id: { workspace_id: workspaceId, object_id: '3e1c6f5b-0f2e-4c4c-9c8f-5a4b1b2c3d4e' }, api_slug: 'companies', singular_noun: 'Company', plural_noun: 'Companies', created_at: '2022-11-21T13:22:49.061281000Z' },
      ],
    });
  });

  return {
    ...controls.handle,
    uninstall: (memberId) => grants.revokeGrantsOf((someone) => someone.memberId === memberId),
  };
}
