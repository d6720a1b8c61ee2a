/**
 * An emulator of Cloudflare Access as the OpenID provider of one OIDC SaaS application, written from Cloudflare's
 * pages (https://developers.cloudflare.com/cloudflare-one/applications/configure-apps/saas-apps/generic-oidc-saas/,
 * https://developers.cloudflare.com/cloudflare-one/identity/authorization-cookie/application-token/, and the API
 * reference's OIDC SaaS application):
 * - the application's issuer `/cdn-cgi/access/sso/oidc/<client-id>` on the team domain, with `/authorization`,
 *   `/token`, `/userinfo` and `/jwks` under it;
 * - every Access application denies by default: a person no Allow policy matches is shown Access's block page and is
 *   never sent back to the app; the application's Redirect URLs and, when its PKCE switch is on, a challenge;
 * - the scopes the application lists (`openid`, `email`, `profile`, `groups`), and `offline_access` once refresh
 *   tokens are among its grant types: only then does the code exchange answer a refresh token;
 * - the token endpoint answers the ID token beside the access token; access tokens live the application's "Access
 *   token lifetime" (5 minutes here, the API reference's example); a refresh checks the person against the Access
 *   policies again, so one no longer allowed is refused (removeFromPolicy);
 * - userinfo "returns all user claims": `sub` (the user's ID), `email`, and for `profile` the identity provider's
 *   claims (a name here).
 * Made up here: the block page's and the unknown client's bodies, the token endpoint's refusals (RFC 6749 §5.2's
 * bare errors) and that it takes the client both ways, that a refresh answers a new refresh token and the used one
 * then stops working, userinfo's answer to a token it does not take (401), and no revocation endpoint at all (none
 * is documented).
 */
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { countedAuthentication } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { openIdTokenAnswer, tokenEndpoint } from './kit/token-endpoint.js';

export interface AccessUser {
  /** The user's ID in the Zero Trust organization (a UUID): the `sub`. */
  id: string;
  email: string;
  /** The identity provider's name claim, sent for `profile`. */
  name: string;
}

export interface CloudflareAccessEmulatorOptions extends EmulatorOptions {
  /** The application's scopes (default `openid email profile`). */
  scopes?: string[];
  /** Refresh tokens among the application's grant types (default on). */
  refreshTokens?: boolean;
}

export interface CloudflareAccessEmulator extends EmulatorHandle<AccessUser> {
  /** The application's issuer, its endpoints under it. */
  readonly issuer: string;
  /** The person no longer matches the application's Access policies: their next refresh is refused. */
  removeFromPolicy(user: AccessUser): void;
}

const ACCESS_TOKEN_LIFETIME = 300;

export async function startCloudflareAccessEmulator(options: CloudflareAccessEmulatorOptions): Promise<CloudflareAccessEmulator> {
  const server = await startEmulatorServer();
  const base = `/cdn-cgi/access/sso/oidc/${options.clientId}`;
  const issuer = `${server.origin}${base}`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const refreshTokens = options.refreshTokens ?? true;
  const allowedScopes = [...(options.scopes ?? ['openid', 'email', 'profile']), ...(refreshTokens ? ['offline_access'] : [])];
  const grants = new GrantStore<AccessUser>({ now, accessTokenTtl: ACCESS_TOKEN_LIFETIME, refreshPolicy: refreshTokens ? 'rotating' : 'none' });
  const controls = emulatorControls<AccessUser>(server, grants);

  server.route('GET', `${base}/jwks`, () => json(200, key.jwks));

  server.route('GET', `${base}/authorization`, (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Invalid request</h1>');
    const user = controls.approver();
    if (!user) return html(403, '<h1>Forbidden</h1><p>You don’t have permission to view this application.</p>');
    const reply = redirectBack(options.redirectUri, query);
    const scopes = requestedScopes(query);
    if (!scopes.includes('openid') || scopes.some((scope) => !allowedScopes.includes(scope))) return reply({ error: 'invalid_scope' });
    return reply({ code: grants.issueCode({ ...codeRequest(query, options, user), refreshToken: scopes.includes('offline_access') }) });
  });

  tokenEndpoint(server, `${base}/token`, {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: countedAuthentication(server, options),
    answer: async ({ grant, tokens }) =>
      json(200, openIdTokenAnswer(tokens, grant.scope, 'Bearer', await grantIdToken(key, grant, tokens.accessToken, { iss: issuer, sub: grant.user.id, aud: options.clientId, email: grant.user.email }))),
  });

  server.route('GET', `${base}/userinfo`, (request) => {
    server.count('userinfo');
    const grant = bearerGrant(grants, request, () => json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' }));
    if (!isGrant(grant)) return grant;
    const scopes = grant.scope.split(' ');
    const { user } = grant;
    return json(200, { sub: user.id, ...(scopes.includes('email') ? { email: user.email } : {}), ...(scopes.includes('profile') ? { name: user.name } : {}) });
  });

  return {
    ...controls.handle,
    issuer,
    removeFromPolicy: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
