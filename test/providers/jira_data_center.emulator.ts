/**
 * An emulator of a Jira Data Center site as an OAuth 2.0 provider (an
 * incoming application link), and of the part of its REST API a connection
 * touches, written from Atlassian's pages: the Jira OAuth 2.0 provider API
 * (https://confluence.atlassian.com/adminjiraserver101/jira-oauth-2-0-provider-api-1455427907.html),
 * its scopes (https://confluence.atlassian.com/adminjiraserver101/oauth-2-0-scopes-for-incoming-links-1455427906.html)
 * and the provider's system properties
 * (https://confluence.atlassian.com/bitbucketserver/oauth-2-0-provider-system-properties-1108483660.html):
 * - Authorize: `GET /rest/oauth2/latest/authorize` with `client_id`, the
 *   link's `redirect_uri`, `response_type=code`, `scope` among `READ`,
 *   `WRITE`, `ADMIN`, `SYSTEM_ADMIN` (another goes back as `invalid_scope`),
 *   `state`, and a PKCE challenge it keeps. The person approves (at once
 *   here, as signInAs()'s person) or denies.
 * - Token: `POST /rest/oauth2/latest/token`, whose parameters (the client's
 *   id and secret among them) it reads from the query, as the page's
 *   examples put them, or the form. A code lives 600 seconds at most and is
 *   good once; access tokens 3600 seconds (the default). A refresh needs the
 *   `redirect_uri` again and answers a new pair; the old refresh token is
 *   refused from then on. Refusals are RFC 6749 §5.2's.
 * - `GET /rest/api/2/myself` answers the user (`key`, `name`,
 *   `emailAddress`, `displayName`, `active`…), `GET /rest/api/2/project`
 *   the projects; a token it does not take is a 401.
 * - revokeApp() is the person revoking the grant under Authorized
 *   applications: its tokens stop working. There is no revocation endpoint.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { credentialsIn } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface JiraUser {
  /** The user key (`JIRAUSER10100`), which a rename of the username leaves as it is. */
  key: string;
  /** The username. */
  name: string;
  displayName: string;
  emailAddress: string;
}

export interface JiraEmulator extends EmulatorHandle<JiraUser> {
  /** The person revokes the grant under their profile's Authorized applications: its tokens stop working. */
  revokeApp(user: JiraUser): void;
  /** The `redirect_uri` each refresh sent (null: none), in order. */
  readonly refreshRedirectUris: ReadonlyArray<string | null>;
}

const SCOPES = ['READ', 'WRITE', 'ADMIN', 'SYSTEM_ADMIN'];

/** The token endpoint's parameters, from the query (as the page's examples send them) and the form. */
function parameters(request: EmulatorRequest): URLSearchParams {
  const merged = new URLSearchParams(request.url.searchParams);
  for (const [name, value] of request.form()) if (!merged.has(name)) merged.set(name, value);
  return merged;
}

export async function startJiraEmulator(options: EmulatorOptions): Promise<JiraEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<JiraUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: 3600, refreshPolicy: 'rotating', codeTtl: 600 });
  const controls = emulatorControls<JiraUser>(server, grants);
  const refreshRedirectUris: Array<string | null> = [];

  authorizationEndpoint(server, '/rest/oauth2/latest/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    refuse: (query) => {
      const asked = requestedScopes(query);
      return asked.length === 0 || asked.some((scope) => !SCOPES.includes(scope)) ? { error: 'invalid_scope' } : undefined;
    },
  });

  tokenEndpoint(server, '/rest/oauth2/latest/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => credentialsIn(parameters(request), options),
    parameters,
    refuseRefresh: (_presented, form) => {
      refreshRedirectUris.push(form.get('redirect_uri'));
      return form.get('redirect_uri') === options.redirectUri ? undefined : oauthError(400, 'invalid_grant');
    },
    answer: ({ grant, tokens }) => json(200, tokenMembers(tokens, grant.scope, 'Bearer')),
  });

  const unauthorized = () => json(401, { errorMessages: ['You are not authenticated. Authentication required to perform this operation.'], errors: {} });

  server.route('GET', '/rest/api/2/myself', (request) => {
    server.count('myself');
    const grant = bearerGrant(grants, request, unauthorized);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      self: `${server.origin}/rest/api/2/user?username=${user.name}`,
      key: user.key,
      name: user.name,
      emailAddress: user.emailAddress,
      avatarUrls: {},
      displayName: user.displayName,
      active: true,
      deleted: false,
      timeZone: 'Europe/London',
      locale: 'en_UK',
      groups: { size: 1, items: [] },
      applicationRoles: { size: 1, items: [] },
      expand: 'groups,applicationRoles',
    });
  });

  server.route('GET', '/rest/api/2/project', (request) => {
    server.count('projects');
    const grant = bearerGrant(grants, request, unauthorized);
    if (!isGrant(grant)) return grant;
    return json(200, [{ self: `${server.origin}/rest/api/2/project/10000`, id: '10000', key: 'ENG', name: 'Engineering', projectTypeKey: 'software' }]);
  });

  return {
    ...controls.handle,
    revokeApp: (user) => grants.revokeGrantsOf((someone) => someone.key === user.key),
    refreshRedirectUris,
  };
}
