/**
 * An emulator of a CyberArk Identity tenant's custom OpenID Connect application, as CyberArk's developer
 * documentation describes it; every endpoint names the application by its Application ID:
 * - Authorize: `GET /oauth2/authorize/<application id>` with `response_type=code`, `client_id`, `redirect_uri` and
 *   `scope`; the person is sent back with the code
 *   (https://docs.cyberark.com/Idaptive/Latest/en/Content/Developer/oidc/auth-code-flow.htm). PKCE is documented for
 *   public applications only, in place of the secret, so none is kept; a person who declines is sent back with
 *   RFC 6749's `error=access_denied` (CyberArk shows no wording).
 * - Token: `POST /oauth2/token/<application id>`, a form; the client by HTTP Basic (the code exchange's sample has
 *   no client in its body) or in the form (the refresh sample's `client_id` and `client_secret`); the answer is
 *   `id_token`, `refresh_token`, `access_token`, `token_type: "Bearer"`, `expires_in` 18000 and `scope`, and a refresh
 *   answers a new access token alone, the refresh token staying good (the 'static' policy)
 *   (https://identity-developer.cyberark.com/docs/refresh-tokens,
 *   https://docs.cyberark.com/identity/Latest/en/Content/Developer/oidc/tokens/refresh-tokens.htm). The ID token's
 *   `iss` is `<tenant URL>/<application id>/`, its `sub` the user's UUID, `unique_name` the username
 *   (https://docs.cyberark.com/identity/Latest/en/Content/Developer/oidc/tokens/id-tokens.htm), signed with a key no
 *   document names. Refusals are RFC 6749 §5.2's, which CyberArk does not show.
 * - User info: `POST /oauth2/userinfo/<application id>` with the access token as Bearer (no GET is documented, so
 *   none is served): `given_name`, `aud`, `name`, `email`, `family_name`, `preferred_username`, `unique_name`,
 *   `sub`, `email_verified`, the given and family names being the full name again
 *   (https://identity-developer.cyberark.com/docs/userinfo-endpoint,
 *   https://docs.cyberark.com/Idaptive/Latest/en/Content/Developer/oidc/claims.htm). A token it does not take is
 *   RFC 6750's 401 (not documented).
 * - Revoke: `POST /oauth2/revoke/<application id>`, `token` in a form and the client as Basic alone; 200 for a token
 *   revoked and for one already invalid (https://identity-developer.cyberark.com/docs/revoke-tokens). An access
 *   token ends alone, a refresh token its grant (RFC 7009's usual reading; CyberArk does not say).
 * removeUser() is an administrator removing the person from the tenant: every token of theirs stops working. The
 * authorization page approves at once for signInAs()'s user.
 */
import { authorizationEndpoint } from './kit/authorization-endpoint.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { countedAuthentication } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { createSigningKey } from './kit/signing.js';
import { oauthError, openIdTokenAnswer, tokenEndpoint, tokenMembers } from './kit/token-endpoint.js';

export interface CyberArkUser {
  /** The user's UUID (`sub`). */
  uuid: string;
  /** The login name (`preferred_username`, `unique_name`). */
  username: string;
  /** The display name (`name`, and the given and family names alike). */
  displayName: string;
  email: string;
  emailVerified: boolean;
}

export interface CyberArkEmulator extends EmulatorHandle<CyberArkUser> {
  /** The Application ID every endpoint is under. */
  readonly applicationId: string;
  /** `<origin>/oauth2/<what>/<application id>`. */
  endpoint(what: 'authorize' | 'token' | 'userinfo' | 'revoke'): string;
  /** An administrator removes the person from the tenant: every token of theirs stops working. */
  removeUser(user: CyberArkUser): void;
  /** The next user info request fails with this HTTP status. */
  failNextUserinfo(status: number): void;
  /** Each revocation's form, in order. */
  readonly revocations: ReadonlyArray<Record<string, string>>;
  /** The form of each token request, in order. */
  readonly tokenForms: ReadonlyArray<URLSearchParams>;
}

/** The `expires_in` of CyberArk's sample token answers: 5 hours. */
export const CYBERARK_ACCESS_TOKEN_SECONDS = 18_000;

const invalidToken = () => json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });

export async function startCyberArkEmulator(options: EmulatorOptions & { applicationId: string }): Promise<CyberArkEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<CyberArkUser>({ ...(options.now ? { now: options.now } : {}), accessTokenTtl: CYBERARK_ACCESS_TOKEN_SECONDS, refreshPolicy: 'static' });
  const controls = emulatorControls<CyberArkUser>(server, grants);
  const { applicationId } = options;
  const path = (what: string) => `/oauth2/${what}/${applicationId}`;
  const revocations: Array<Record<string, string>> = [];
  const tokenForms: URLSearchParams[] = [];
  const userinfoFailure = queuedFailure();
  const authenticates = countedAuthentication(server, options);
  // A key no document of this emulator names: an ID token signed with it can be checked by nobody.
  const unpublishedKey = await createSigningKey('RS256', options.now);

  authorizationEndpoint(server, path('authorize'), {
    client: options,
    grants,
    approver: controls.approver,
    pkce: false,
  });

  tokenEndpoint(server, path('token'), {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => {
      tokenForms.push(request.form());
      return authenticates(request);
    },
    pkce: false,
    answer: async ({ grantType, grant, tokens }) => {
      if (grantType === 'refresh_token') return json(200, tokenMembers(tokens, grant.scope, 'Bearer'));
      const { user } = grant;
      const idToken = await unpublishedKey.signIdToken({ iss: `${server.origin}/${applicationId}/`, aud: options.clientId, sub: user.uuid, unique_name: user.username, auth_time: Math.floor(Date.now() / 1000) });
      return json(200, openIdTokenAnswer(tokens, grant.scope, 'Bearer', idToken));
    },
  });

  server.route('POST', path('userinfo'), (request: EmulatorRequest) => {
    server.count('userinfo');
    const status = userinfoFailure.take();
    if (status !== undefined) return json(status, { error: 'server_error' });
    const grant = bearerGrant(grants, request, invalidToken);
    if (!isGrant(grant)) return grant;
    const { user } = grant;
    return json(200, {
      given_name: user.displayName,
      aud: options.clientId,
      name: user.displayName,
      email: user.email,
      family_name: user.displayName,
      preferred_username: user.username,
      unique_name: user.username,
      sub: user.uuid,
      email_verified: user.emailVerified,
    });
  });

  server.route('POST', path('revoke'), (request) => {
    server.count('revoke');
    const form = request.form();
    revocations.push(Object.fromEntries(form));
    const basic = request.basicAuth();
    if (basic?.username !== options.clientId || basic.password !== options.clientSecret) return oauthError(401, 'invalid_client');
    const token = form.get('token');
    if (!token) return oauthError(400, 'invalid_request');
    grants.revokeToken(token);
    return json(200, {});
  });

  return {
    ...controls.handle,
    applicationId,
    endpoint: (what) => `${server.origin}${path(what)}`,
    removeUser: (user) => grants.revokeGrantsOf((someone) => someone.uuid === user.uuid),
    failNextUserinfo: userinfoFailure.queue,
    revocations,
    tokenForms,
  };
}
