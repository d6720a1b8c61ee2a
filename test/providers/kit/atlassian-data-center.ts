/**
 * The OAuth 2.0 provider that Atlassian's Data Center products share (an
 * incoming application link; Jira's and Confluence's provider API pages
 * describe the same endpoints): a site's emulator server with its
 * authorization and token endpoints, which each product's emulator adds its
 * own REST API to.
 * - Authorize: `GET /rest/oauth2/latest/authorize` with `client_id`, the
 *   link's `redirect_uri`, `response_type=code`, `scope` among `READ`,
 *   `WRITE`, `ADMIN`, `SYSTEM_ADMIN` (another, or none, goes back as
 *   `invalid_scope`), `state`, and a PKCE challenge it keeps.
 * - Token: `POST /rest/oauth2/latest/token`, whose parameters (the client's
 *   id and secret among them) it reads from the query, as the pages'
 *   examples put them, or the form. A code lives 600 seconds at most and is
 *   good once; access tokens 3600 seconds (the default). A refresh needs the
 *   `redirect_uri` again and answers a new pair; the old refresh token is
 *   refused from then on. Refusals are RFC 6749 §5.2's.
 */
import { authorizationEndpoint } from './authorization-endpoint.js';
import { requestedScopes } from './authorization.js';
import { credentialsIn } from './client-authentication.js';
import { emulatorControls, type EmulatorControls } from './controls.js';
import type { EmulatorOptions } from './emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest, type EmulatorServer } from './emulator-server.js';
import { GrantStore } from './grants.js';
import { oauthError, tokenEndpoint, tokenMembers } from './token-endpoint.js';

const SCOPES = ['READ', 'WRITE', 'ADMIN', 'SYSTEM_ADMIN'];

/** The token endpoint's parameters, from the query and the form. */
function parameters(request: EmulatorRequest): URLSearchParams {
  const merged = new URLSearchParams(request.url.searchParams);
  for (const [name, value] of request.form()) if (!merged.has(name)) merged.set(name, value);
  return merged;
}

export interface AtlassianDataCenterSite<User> {
  server: EmulatorServer;
  grants: GrantStore<User>;
  controls: EmulatorControls<User>;
  /** The `redirect_uri` each refresh sent (null: none), in order. */
  refreshRedirectUris: ReadonlyArray<string | null>;
}

/** A Data Center site's server with the OAuth 2.0 provider's endpoints on it, for the client in `options`. */
export async function startAtlassianDataCenterSite<User>(options: EmulatorOptions): Promise<AtlassianDataCenterSite<User>> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<User>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: 3600, refreshPolicy: 'rotating', codeTtl: 600 });
  const controls = emulatorControls<User>(server, grants);
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

  return { server, grants, controls, refreshRedirectUris };
}
