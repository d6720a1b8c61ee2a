/**
 * An emulator of a WorkOS environment's AuthKit domain (the issuer, the
 * emulator's origin) as WorkOS Connect serves it to one OAuth application,
 * written from WorkOS's documentation:
 * - Discovery at /.well-known/openid-configuration naming the authorization,
 *   token, userinfo and introspection endpoints and the keys, and no
 *   revocation endpoint:
 *   https://workos.com/docs/reference/workos-connect/metadata/openid-configuration
 * - `GET /oauth2/authorize` with OpenID Connect's parameters; the person
 *   authorizes the application, or refuses (`access_denied`):
 *   https://workos.com/docs/reference/workos-connect/metadata
 * - `POST /oauth2/token`, the client id and secret in the form body; the
 *   access token is a JWT (`iss`, `aud`, `sub`, `org_id`, `sid`, `jti`) of
 *   five minutes, as WorkOS's example is; the ID token (with `openid`) carries
 *   the name, `email` and `email_verified` and the nonce; a refresh token only
 *   with `offline_access`, and a refresh answers new access and ID tokens:
 *   https://workos.com/docs/reference/workos-connect/token
 * Made up here, as the pages do not say them: the token answer's `expires_in`,
 * `token_type` and `scope`; a new refresh token with each refresh, the used
 * one refused; the refusals' bodies (RFC 6749 §5.2 codes), the page for an
 * unknown client, the keys' and userinfo's paths, userinfo's members (the ID
 * token's) and its 401. revokeConsent() is the person's authorization of the
 * application withdrawn, which ends its tokens. The authorization page
 * approves at once for signInAs()'s person.
 */
import { codeRequest, redirectBack } from './kit/authorization.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { jwtAccessTokens } from './kit/jwt-access-tokens.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { openIdTokenAnswer, tokenEndpoint } from './kit/token-endpoint.js';

export interface WorkosUser {
  /** The WorkOS user id (`user_…`): the `sub`. */
  id: string;
  /** The organization the person signed in under (`org_…`). */
  organizationId: string;
  givenName: string;
  familyName: string;
  email: string;
}

export interface WorkosEmulator extends EmulatorHandle<WorkosUser> {
  readonly issuer: string;
  /** The person's authorization of the application is withdrawn: its tokens stop working. */
  revokeConsent(user: WorkosUser): void;
}

export const WORKOS_ACCESS_TOKEN_TTL = 300;

export async function startWorkosEmulator(options: EmulatorOptions): Promise<WorkosEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<WorkosUser>({ now, accessTokenTtl: WORKOS_ACCESS_TOKEN_TTL, refreshPolicy: 'rotating', refreshTokenTtl: null });
  const accessTokens = jwtAccessTokens(grants, key);
  const controls = emulatorControls<WorkosUser>(server, accessTokens);

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/oauth2/authorize`,
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      id_token_signing_alg_values_supported: ['RS256'],
      introspection_endpoint: `${issuer}/oauth2/introspection`,
      jwks_uri: `${issuer}/oauth2/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      token_endpoint: `${issuer}/oauth2/token`,
      userinfo_endpoint: `${issuer}/oauth2/userinfo`,
    }),
  );
  server.route('GET', '/oauth2/jwks', () => json(200, key.jwks));

  server.route('GET', '/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, '<p>Invalid authorization request.</p>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'The user denied the authorization request.' });
    const asked = codeRequest(query, options, user);
    return reply({ code: grants.issueCode({ ...asked, refreshToken: asked.scope.split(' ').includes('offline_access') }) });
  });

  const claims = (grant: Grant<WorkosUser>): Record<string, unknown> => {
    const { user } = grant;
    const scopes = grant.scope.split(' ');
    return {
      sub: user.id,
      ...(scopes.includes('profile') ? { name: `${user.givenName} ${user.familyName}`, given_name: user.givenName, family_name: user.familyName } : {}),
      ...(scopes.includes('email') ? { email: user.email, email_verified: true } : {}),
    };
  };

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => formCredentials(request, options),
    answer: async ({ grant, tokens }) => {
      const accessToken = await accessTokens.issue(
        tokens.accessToken,
        { iss: issuer, aud: options.clientId, sub: grant.user.id, org_id: grant.user.organizationId, sid: `app_consent_${grant.id}` },
        WORKOS_ACCESS_TOKEN_TTL,
      );
      const idToken = await grantIdToken(key, grant, accessToken, { ...claims(grant), iss: issuer, aud: options.clientId });
      return json(200, openIdTokenAnswer({ ...tokens, accessToken }, grant.scope, 'bearer', idToken));
    },
  });

  server.route('GET', '/oauth2/userinfo', (request) => {
    server.count('userinfo');
    const grant = accessTokens.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
    return json(200, claims(grant));
  });

  return {
    ...controls.handle,
    issuer,
    revokeConsent: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
  };
}
