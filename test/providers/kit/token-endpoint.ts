/**
 * The token endpoint (RFC 6749 §3.2) as most providers emulated run it: a
 * POST whose client is authenticated first (§2.3.1), then a `refresh_token`
 * grant (§6) or an `authorization_code` grant (§4.1.3, with RFC 7636 §4.6
 * where the provider checks PKCE) against the grant store, any other grant
 * type refused (§5.2). What a provider does its own way is a parameter: how
 * its client authenticates, where its parameters are read, the members of
 * its answer, the body and status of each refusal, and hooks for the
 * refusals only it makes; rotation and lifetimes are the grant store's
 * (grants.ts), and the answer reads them from the tokens issued. Every
 * request is counted (`token_request`, or the provider's own name), then
 * each grant served (`refresh_token`, `authorization_code`), as the provider
 * tests read them (and `client_credentials`, for a provider that grants
 * app tokens). A provider whose route differs in kind (another order of
 * checks, a grant type it does not check, tokens it maps to others) keeps
 * its own route.
 */
import { authenticatesAs } from './client-authentication.js';
import { html, json, type EmulatorReply, type EmulatorRequest, type EmulatorServer } from './emulator-server.js';
import type { CodeRedemption, Grant, GrantStore, IssuedTokens, RefreshResult } from './grants.js';

/** Why the grant store refused a refresh token. */
export type RefreshRefusal = Extract<RefreshResult<unknown>, { ok: false }>['reason'];
/** Why the grant store refused a code. */
export type CodeRefusal = Extract<CodeRedemption<unknown>, { ok: false }>['reason'];

/** Tokens issued by either grant, for the provider's answer. */
export interface TokenGrant<User> {
  grantType: 'authorization_code' | 'refresh_token';
  grant: Grant<User>;
  tokens: IssuedTokens;
  /** The request's parameters (its form, unless `parameters` reads them otherwise), for what a provider echoes or records from them. */
  form: URLSearchParams;
}

export interface TokenEndpointOptions<User> {
  /** The one client the emulator knows; its secret is what the default client check compares. */
  client: { clientId: string; clientSecret?: string };
  grants: GrantStore<User>;
  /** The counter every request adds to (default `token_request`). */
  counter?: string;
  /** A provider's own refusal before anything else is read, a queued failure included (e.g. Reddit's throttling). */
  screen?(request: EmulatorRequest): EmulatorReply | undefined;
  /** The failure a test queued for this request (the controls' `tokenFailure`, or an emulator's own switch), and the provider's page for it (default: a bare HTML page). */
  failure?: { queued(): number | null | undefined; reply?(status: number): EmulatorReply };
  /**
   * Whether the request authenticates as the client (default: HTTP Basic or
   * the form, `authenticatesAs`); false is answered `errors.client`, a reply
   * is the provider's own refusal (e.g. a body that is not a form).
   */
  authenticates?(request: EmulatorRequest): boolean | EmulatorReply | Promise<boolean | EmulatorReply>;
  /** The HTTP method the endpoint answers (default POST, RFC 6749 §3.2's); GET for a provider that documents its token requests as a query string (Bitrix24), with `parameters` reading the query. */
  method?: 'POST' | 'GET';
  /** Where the request's parameters are read (default: the form body), for a provider that takes JSON. */
  parameters?(request: EmulatorRequest): URLSearchParams;
  /** Whether the exchange checks a PKCE verifier against the code's challenge (default true); false: `code_verifier` is not read. */
  pkce?: boolean;
  /** The provider's refusals; each defaults to RFC 6749 §5.2's bare JSON error (401 `invalid_client`, 400 otherwise). */
  errors?: {
    client?(): EmulatorReply;
    grantType?(grantType: string | null): EmulatorReply;
    refreshToken?(reason: RefreshRefusal): EmulatorReply;
    code?(reason: CodeRefusal): EmulatorReply;
  };
  /** A provider's own refusal of a refresh token the grant store would take (e.g. one it revoked alone), before it is used. */
  refuseRefresh?(presented: string, parameters: URLSearchParams): EmulatorReply | undefined;
  /** The answer to a client-credentials grant (RFC 6749 §4.4) by the authenticated client, for a provider that grants its clients app tokens; without it the grant type is refused as any other. */
  clientCredentials?(parameters: URLSearchParams): EmulatorReply;
  /** A provider's own refusal of a code exchange before the code is redeemed (e.g. a parameter it insists on). */
  refuseCode?(parameters: URLSearchParams): EmulatorReply | undefined;
  /** The provider's answer with the tokens issued. */
  answer(issued: TokenGrant<User>): EmulatorReply | Promise<EmulatorReply>;
}

/**
 * RFC 6749 §5.2's own words for its error codes, which servers built on Ory fosite (Authelia, Ory Hydra) and on
 * league/oauth2-server (osu!, AniList, Wikimedia) send as `error_description`.
 */
export const RFC_6749_DESCRIPTIONS = {
  invalid_client: 'Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).',
  invalid_grant:
    'The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
} as const;

/** The RFC 6749 §5.2 error body most providers answer: `error`, and `error_description` when given. */
export function oauthError(status: number, error: string, description?: string): EmulatorReply {
  return json(status, description === undefined ? { error } : { error, error_description: description });
}

/** RFC 6749 §5.1's members of a token answer, in its order: `access_token`, `token_type` (spelt as the provider spells it), `expires_in`, `refresh_token` when one was issued, `scope` when given; a provider's own members go beside them. */
export function tokenMembers(tokens: Pick<IssuedTokens, 'accessToken' | 'expiresIn' | 'refreshToken'>, scope: string | undefined, tokenType: string): Record<string, unknown> {
  return { access_token: tokens.accessToken, token_type: tokenType, expires_in: tokens.expiresIn, refresh_token: tokens.refreshToken, scope };
}

/**
 * An OpenID token answer (OIDC Core §3.1.3.3): `tokenMembers` then `id_token`;
 * with `sorted`, the members in the order of their names, as Go's
 * encoding/json writes a map.
 */
export function openIdTokenAnswer(tokens: Pick<IssuedTokens, 'accessToken' | 'expiresIn' | 'refreshToken'>, scope: string | undefined, tokenType: string, idToken: string, options: { sorted?: boolean } = {}): Record<string, unknown> {
  const members = { ...tokenMembers(tokens, scope, tokenType), id_token: idToken };
  return options.sorted ? Object.fromEntries(Object.entries(members).sort(([a], [b]) => (a < b ? -1 : 1))) : members;
}

/** The string members of a JSON object body as parameters, or the form when the body is not one (e.g. Atlassian, which documents JSON and takes a form too). */
export function jsonOrForm(request: EmulatorRequest): URLSearchParams {
  const body = request.json();
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    return new URLSearchParams(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  }
  return request.form();
}

/** Serves the token endpoint at `path` on `server`. */
export function tokenEndpoint<User>(server: EmulatorServer, path: string, options: TokenEndpointOptions<User>): void {
  const { client, grants, errors = {} } = options;
  const { clientSecret } = client;
  const authenticates = options.authenticates ?? (clientSecret === undefined ? undefined : (request: EmulatorRequest) => authenticatesAs(request, { clientId: client.clientId, clientSecret }));
  if (!authenticates) throw new Error(`the token endpoint at ${path} has neither a client secret nor a client check`);
  server.route(options.method ?? 'POST', path, async (request) => {
    server.count(options.counter ?? 'token_request');
    const screened = options.screen?.(request);
    if (screened) return screened;
    const status = options.failure?.queued();
    if (status !== undefined && status !== null) return options.failure?.reply?.(status) ?? html(status, '<h1>Service Unavailable</h1>');
    const authenticated = await authenticates(request);
    if (authenticated !== true) return authenticated === false ? (errors.client?.() ?? oauthError(401, 'invalid_client')) : authenticated;
    const form = options.parameters ? options.parameters(request) : request.form();
    const grantType = form.get('grant_type');
    if (grantType === 'refresh_token') {
      server.count('refresh_token');
      const presented = form.get('refresh_token') ?? '';
      const refused = options.refuseRefresh?.(presented, form);
      if (refused) return refused;
      const refreshed = grants.refresh(presented, client.clientId);
      if (!refreshed.ok) return errors.refreshToken?.(refreshed.reason) ?? oauthError(400, 'invalid_grant');
      return options.answer({ grantType, grant: refreshed.grant, tokens: refreshed.tokens, form });
    }
    if (grantType === 'client_credentials' && options.clientCredentials) {
      server.count('client_credentials');
      return options.clientCredentials(form);
    }
    if (grantType !== 'authorization_code') return errors.grantType?.(grantType) ?? oauthError(400, 'unsupported_grant_type');
    server.count('authorization_code');
    const refused = options.refuseCode?.(form);
    if (refused) return refused;
    const redeemed = grants.redeemCode(form.get('code') ?? '', {
      clientId: client.clientId,
      redirectUri: form.get('redirect_uri'),
      codeVerifier: options.pkce === false ? null : form.get('code_verifier'),
    });
    if (!redeemed.ok) return errors.code?.(redeemed.reason) ?? oauthError(400, 'invalid_grant');
    return options.answer({ grantType, grant: redeemed.grant, tokens: redeemed.tokens, form });
  });
}
