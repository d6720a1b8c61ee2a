/**
 * An emulator of ORCID's OAuth (orcid.org/oauth/authorize, /oauth/token,
 * /oauth/revoke) and of the part of its Public API v3.0 a connection touches
 * (pub.orcid.org is the same origin here), written from ORCID's pages
 * (https://info.orcid.org/faq/how-does-3-legged-oauth-work,
 * https://members.orcid.org/api/oauth/refresh-tokens,
 * https://info.orcid.org/ufaqs/how-can-i-revoke-tokens):
 * - Authorize: `GET /oauth/authorize` with `client_id`, `response_type=code`,
 *   `scope` (space-separated: `/authenticate`, `openid`, and the Member
 *   API's `/read-limited`, `/activities/update`, `/person/update` for a
 *   member client; another goes back as `invalid_scope`) and `redirect_uri`;
 *   no PKCE. A person who declines comes back with `access_denied`.
 * - Token: `POST /oauth/token`, a form with the client in it (never Basic);
 *   the answer is `access_token`, `token_type: "bearer"`, `refresh_token`,
 *   `expires_in` 631138518, `scope`, `name` and `orcid`. A refresh (the
 *   client and `refresh_token` in the form) answers a new access and refresh
 *   token with the same members, the spent ones then refused.
 * - Revoke: `POST /oauth/revoke`, a form with `client_id`, `client_secret` and
 *   `token`, access or refresh: the pair ends; 200.
 * - `GET /v3.0/<ORCID iD>/person`, a record's person section (any record's:
 *   every token reads public data), JSON when the Accept header asks for it,
 *   else XML.
 * Made up here: the pages for an unknown client or redirect URI; the
 * refusals' bodies (`error` and `error_description` at the token endpoint,
 * 401 `invalid_token` at the API, 401 `invalid_client` at revocation); `name` null in the token answer
 * for a record whose name is not public; the
 * refresh ending the spent tokens (see the preset's "Not checked"); a
 * revocation of a token already ended answered 200. revokePermission() is
 * the person removing the client from the trusted parties in their ORCID
 * account settings. The authorization page approves at once for signInAs()'s
 * researcher.
 */
import { requestedScopes } from './kit/authorization.js';
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { oauthError, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface OrcidResearcher {
  /** The ORCID iD, `0000-0002-1825-0097`. */
  orcid: string;
  givenNames: string;
  familyName: string;
  /** Whether the name on the record is public (the token answer names the person only then, here). */
  namePublic?: boolean;
}

export interface OrcidEmulatorOptions extends EmulatorOptions {
  /** Whether the client is a Member API client, which may ask the Member API's scopes (default false). */
  member?: boolean;
}

export interface OrcidEmulator extends EmulatorHandle<OrcidResearcher> {
  /** The person removes the client from their trusted parties: every token of theirs stops working. */
  revokePermission(researcher: OrcidResearcher): void;
  /** The form of each token request, and of each revocation, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
  readonly revocationForms: ReadonlyArray<URLSearchParams>;
}

/** About 20 years, the lifetime ORCID's pages show in `expires_in`. */
export const ORCID_ACCESS_TOKEN_SECONDS = 631138518;

const PUBLIC_SCOPES = ['/authenticate', 'openid'];
const MEMBER_SCOPES = [...PUBLIC_SCOPES, '/read-limited', '/activities/update', '/person/update'];

export async function startOrcidEmulator(options: OrcidEmulatorOptions): Promise<OrcidEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<OrcidResearcher>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: ORCID_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<OrcidResearcher>(server, grants);
  const scopes = new Set(options.member ? MEMBER_SCOPES : PUBLIC_SCOPES);
  const tokenForms: URLSearchParams[] = [];
  const revocationForms: URLSearchParams[] = [];

  authorizationEndpoint(server, '/oauth/authorize', {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
    refuse: (query) => {
      const asked = requestedScopes(query);
      return asked.length > 0 && asked.every((scope) => scopes.has(scope)) ? undefined : { error: 'invalid_scope', error_description: `Invalid scope: ${query.get('scope') ?? ''}` };
    },
    denied: { error: 'access_denied', error_description: 'User denied access' },
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
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Bad client credentials'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'Invalid refresh token'),
      code: () => oauthError(400, 'invalid_grant', 'Invalid authorization code'),
    },
    answer: ({ grant, tokens }) => {
      const { user } = grant;
      return json(200, { ...tokenMembers(tokens, grant.scope, 'bearer'), name: user.namePublic === false ? null : `${user.givenNames} ${user.familyName}`, orcid: user.orcid });
    },
  });

  server.route('POST', '/oauth/revoke', (request) => {
    server.count('revoke');
    const form = request.form();
    revocationForms.push(form);
    if (!formCredentials(request, options)) return oauthError(401, 'invalid_client', 'Bad client credentials');
    const token = form.get('token');
    if (!token) return oauthError(400, 'invalid_request', 'Missing token');
    const grant = grants.grantOfToken(token);
    if (grant) grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  server.route('GET', '/v3.0/:orcid/person', (request) => {
    server.count('person');
    const grant = bearerGrant(grants, request, () => oauthError(401, 'invalid_token', 'Invalid access token'));
    if (!isGrant(grant)) return grant;
    const { orcid } = request.params;
    // The token's own researcher is known here; another record is shown without a name.
    const own = orcid === grant.user.orcid;
    if (!/json/.test(request.headers.accept ?? '')) {
      return { status: 200, headers: { 'content-type': 'application/vnd.orcid+xml; qs=5;charset=UTF-8' }, body: `<?xml version="1.0" encoding="UTF-8"?><person:person path="/${orcid}/person" xmlns:person="http://www.orcid.org/ns/person"/>` };
    }
    return json(200, {
      'last-modified-date': null,
      name: own ? { 'given-names': { value: grant.user.givenNames }, 'family-name': { value: grant.user.familyName }, 'credit-name': null, visibility: 'public', path: orcid } : null,
      'other-names': { 'other-name': [], path: `/${orcid}/other-names` },
      biography: null,
      emails: { email: [], path: `/${orcid}/email` },
      path: `/${orcid}/person`,
    });
  });

  return {
    ...controls.handle,
    revokePermission: (researcher) => grants.revokeGrantsOf((someone) => someone.orcid === researcher.orcid),
    tokenForms,
    revocationForms,
  };
}
