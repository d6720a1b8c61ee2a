/**
 * The authorization endpoint (RFC 6749 §4.1.1) as most providers emulated
 * run it: a `client_id` or `redirect_uri` that is not the client's is told
 * to the user on the provider's own page and never redirected (§4.1.2.1);
 * past them every answer goes back to the redirect URI with `state`: a
 * `response_type` other than `code` as `unsupported_response_type` (unless
 * the provider refuses it on a page, or does not check it), then the
 * provider's own refusals (e.g. a scope it does not know), then a denial,
 * else a code for the user who approves (§4.1.2). Each request is counted as `authorize`. A provider
 * whose route differs in kind (another order of checks, a redirect URI it
 * matches otherwise, work done on approval) keeps its own route.
 */
import { codeRequest, redirectBack } from './authorization.js';
import { html, type EmulatorServer } from './emulator-server.js';
import type { CodeRequest, GrantStore } from './grants.js';

export interface AuthorizationEndpointOptions<User> {
  /** The one client the emulator knows, and its one redirect URI. */
  client: { clientId: string; redirectUri: string };
  grants: GrantStore<User>;
  /** Who approves this request (the controls' `approver`); undefined is a denial. */
  approver(): User | undefined;
  /** The provider's page for a client_id and for a redirect_uri that are not the client's (default `Invalid client_id`, `Invalid redirect_uri`); one text serves both where the provider does not tell them apart. */
  pages?: { clientId: string; redirectUri: string } | string;
  /** A response_type other than `code` is sent back as `unsupported_response_type` (default), told on the provider's own page (`{ page }`), or not checked at all (false). */
  responseType?: false | { page: string };
  /** The provider's own refusal once response_type is `code`, as the parameters sent back (e.g. `{ error: 'invalid_scope' }`); undefined: none. */
  refuse?(query: URLSearchParams): Record<string, string | undefined> | undefined;
  /** The parameters a denial is sent back with (default `error=access_denied` alone). */
  denied?: Record<string, string>;
  /** Whether the code keeps the request's PKCE challenge (RFC 7636 §4.3; default true); false for a provider that takes none, as the token endpoint's `pkce: false` reads no verifier. */
  pkce?: boolean;
  /** What the provider grants otherwise than `codeRequest` reads it (e.g. scopes another separator, a refresh token only with `offline`). */
  request?(query: URLSearchParams, user: User): Partial<CodeRequest<User>>;
}

/** Serves the authorization endpoint at `path` on `server` (GET). */
export function authorizationEndpoint<User>(server: EmulatorServer, path: string, options: AuthorizationEndpointOptions<User>): void {
  const { client, grants } = options;
  const pages = typeof options.pages === 'string' ? { clientId: options.pages, redirectUri: options.pages } : (options.pages ?? { clientId: 'Invalid client_id', redirectUri: 'Invalid redirect_uri' });
  server.route('GET', path, (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== client.clientId) return html(400, `<h1>${pages.clientId}</h1>`);
    if (query.get('redirect_uri') !== client.redirectUri) return html(400, `<h1>${pages.redirectUri}</h1>`);
    const { responseType } = options;
    if (responseType && query.get('response_type') !== 'code') return html(400, `<h1>${responseType.page}</h1>`);
    const reply = redirectBack(client.redirectUri, query);
    if (responseType === undefined && query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const refused = options.refuse?.(query);
    if (refused) return reply(refused);
    const user = options.approver();
    if (!user) return reply(options.denied ?? { error: 'access_denied' });
    const noPkce = options.pkce === false ? { codeChallenge: undefined, codeChallengeMethod: undefined } : {};
    return reply({ code: grants.issueCode({ ...codeRequest(query, client, user), ...noPkce, ...options.request?.(query, user) }) });
  });
}
