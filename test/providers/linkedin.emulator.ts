/**
 * An emulator of Sign In with LinkedIn using OpenID Connect, written from
 * LinkedIn's documentation:
 * - Sign In with LinkedIn using OpenID Connect (scopes `openid profile email`,
 *   discovery under the issuer https://www.linkedin.com/oauth, the ID token,
 *   userinfo at https://api.linkedin.com/v2/userinfo and its members):
 *   https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2
 * - Authorization Code Flow (/oauth/v2/authorization with `response_type`,
 *   `client_id`, `redirect_uri`, `state`, `scope`; codes live 30 minutes; the
 *   token request is a form with `client_id` and `client_secret` in the body;
 *   access tokens live 60 days; a cancelled request redirects back with
 *   `error=user_cancelled_login` or `user_cancelled_authorize`):
 *   https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow
 * - PKCE only in the separate native-client flow LinkedIn enables per app:
 *   https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow-native
 *   (the web flow answers a `code_verifier` with 401 `invalid_client`, "Client authentication failed");
 * - Programmatic refresh tokens, for approved partners only: 365 days from the
 *   first authorization, not renewed by a refresh, which answers the same refresh token
 *   (the documented refresh answer has no `token_type`):
 *   https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens
 * - Scopes listed comma-separated: https://learn.microsoft.com/en-us/linkedin/shared/authentication/token-introspection
 * - API errors `{"status", "serviceErrorCode", "code", "message"}` (65600 invalid,
 *   65601 expired, 65602 revoked): https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling
 * - The versioned APIs under /rest refuse a call without `LinkedIn-Version: YYYYMM`
 *   (https://learn.microsoft.com/en-us/linkedin/marketing/versioning) or without
 *   `X-Restli-Protocol-Version: 2.0.0`; the Posts API's create answers 201 with
 *   no body, the new post's URN in `x-restli-id` alone
 *   (https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api).
 * The authorization request has no nonce parameter, and the ID token names none.
 * There is no revocation endpoint. A code LinkedIn will not redeem is answered
 * 400 `invalid_request` with its "Unable to retrieve access token" description.
 * The issuer is `<origin>/oauth`; the authorization page approves at once for
 * the member set with signInAs().
 */
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { createSigningKey } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface LinkedInMember {
  /** The app-specific member id LinkedIn gives as `sub`. */
  sub: string;
  givenName: string;
  familyName: string;
  email: string;
}

export interface LinkedInEmulatorOptions extends EmulatorOptions {
  /** The app is an approved partner that gets programmatic refresh tokens. */
  programmaticRefresh: boolean;
}

export interface LinkedInEmulator extends Omit<EmulatorHandle<LinkedInMember, 500 | 503>, 'denyNextAuthorization'> {
  readonly issuer: string;
  /** The member cancels the next authorization. */
  cancelNextAuthorization(error: 'user_cancelled_login' | 'user_cancelled_authorize'): void;
}

const DAY = 86_400;
const CODE_REFUSED =
  'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists';

function apiError(serviceErrorCode: number, code: string, message: string): EmulatorReply {
  return json(401, { status: 401, serviceErrorCode, code, message });
}

export async function startLinkedInEmulator(options: LinkedInEmulatorOptions): Promise<LinkedInEmulator> {
  const server = await startEmulatorServer();
  const issuer = `${server.origin}/oauth`;
  const key = await createSigningKey('RS256');
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const grants = new GrantStore<LinkedInMember>({
    now,
    accessTokenTtl: 60 * DAY,
    refreshPolicy: options.programmaticRefresh ? 'static' : 'none',
    refreshTokenTtl: 365 * DAY,
    codeTtl: 30 * 60,
  });
  /** When each refresh token stops working: fixed at the first authorization. */
  const refreshExpiry = new Map<string, number>();
  const controls = emulatorControls<LinkedInMember, 500 | 503>(server, grants);
  let cancel: string | undefined;

  server.route('GET', '/oauth/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/v2/authorization`,
      token_endpoint: `${issuer}/v2/accessToken`,
      userinfo_endpoint: `${server.origin}/v2/userinfo`,
      jwks_uri: `${issuer}/openid/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'profile', 'email'],
      claims_supported: ['iss', 'aud', 'iat', 'exp', 'sub', 'name', 'given_name', 'family_name', 'picture', 'email', 'email_verified', 'locale'],
      token_endpoint_auth_methods_supported: ['client_secret_post'],
    }),
  );
  server.route('GET', '/oauth/openid/jwks', () => json(200, key.jwks));

  server.route('GET', '/oauth/v2/authorization', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return html(400, '<h1>Invalid client id</h1>');
    if (query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>The redirect_uri does not match the registered value</h1>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'invalid_request', error_description: 'Invalid response_type' });
    const member = controls.approver();
    if (cancel || !member) {
      const error = cancel ?? 'user_cancelled_login';
      cancel = undefined;
      return reply({ error, error_description: error === 'user_cancelled_login' ? 'The user cancelled LinkedIn login' : 'The user cancelled the authorization' });
    }
    // The web flow has no nonce and no PKCE: both are left out of the grant.
    const code = grants.issueCode({ ...codeRequest(query, options, member), scope: requestedScopes(query).join(','), codeChallenge: undefined, codeChallengeMethod: undefined, nonce: undefined });
    return reply({ code });
  });

  tokenEndpoint(server, '/oauth/v2/accessToken', {
    client: options,
    grants,
    counter: 'token',
    failure: { queued: controls.tokenFailure, reply: (status) => html(status, `<h1>${status === 503 ? 'Service Unavailable' : 'Internal Server Error'}</h1>`) },
    // The client in the form alone, and no PKCE verifier with it.
    authenticates: (request) => formCredentials(request, options) && !request.basicAuth() && !request.form().has('code_verifier'),
    pkce: false,
    errors: {
      client: () => oauthError(401, 'invalid_client', 'Client authentication failed'),
      refreshToken: () => oauthError(400, 'invalid_grant', 'The provided refresh token is invalid, expired or revoked'),
      grantType: () => oauthError(400, 'unsupported_grant_type', 'Invalid grant type'),
      code: () => oauthError(400, 'invalid_request', CODE_REFUSED),
    },
    // Refresh tokens only for an app LinkedIn allowed programmatic refresh.
    refuseRefresh: () => (options.programmaticRefresh ? undefined : oauthError(400, 'invalid_grant', 'The provided refresh token is invalid, expired or revoked')),
    answer: async ({ grantType, grant, tokens, form }) => {
      if (grantType === 'refresh_token') {
        const presented = form.get('refresh_token')!;
        return json(200, { access_token: tokens.accessToken, expires_in: tokens.expiresIn, refresh_token: presented, refresh_token_expires_in: refreshExpiry.get(presented)! - now(), scope: grant.scope });
      }
      const scopes = grant.scope.split(',');
      const person = grant.user;
      const answer: Record<string, unknown> = { access_token: tokens.accessToken, expires_in: tokens.expiresIn, scope: grant.scope, token_type: 'Bearer' };
      if (tokens.refreshToken) {
        answer.refresh_token = tokens.refreshToken;
        answer.refresh_token_expires_in = tokens.refreshTokenExpiresIn;
        refreshExpiry.set(tokens.refreshToken, now() + tokens.refreshTokenExpiresIn!);
      }
      if (scopes.includes('openid')) {
        answer.id_token = await key.signIdToken({
          iss: issuer,
          aud: options.clientId,
          sub: person.sub,
          ...(scopes.includes('profile') ? { name: `${person.givenName} ${person.familyName}`, given_name: person.givenName, family_name: person.familyName, locale: 'en-US' } : {}),
          ...(scopes.includes('email') ? { email: person.email, email_verified: true } : {}),
        });
      }
      return json(200, answer);
    },
  });

  const bearerMember = (request: EmulatorRequest): LinkedInMember | EmulatorReply => {
    const token = request.bearer();
    if (!token) return apiError(401, 'EMPTY_ACCESS_TOKEN', 'Empty oauth2_access_token');
    const live = grants.grantOfAccessToken(token);
    if (live) return live.user;
    const grant = grants.grantOfToken(token);
    if (grant?.revoked) return apiError(65602, 'REVOKED_ACCESS_TOKEN', 'The token used in the request has been revoked by the user');
    return grant ? apiError(65601, 'EXPIRED_ACCESS_TOKEN', 'The token used in the request has expired') : apiError(65600, 'INVALID_ACCESS_TOKEN', 'Invalid access token');
  };

  server.route('GET', '/v2/userinfo', (request) => {
    server.count('userinfo');
    const found = bearerMember(request);
    if ('status' in found) return found;
    return json(200, {
      sub: found.sub,
      email_verified: true,
      name: `${found.givenName} ${found.familyName}`,
      locale: { country: 'US', language: 'en' },
      given_name: found.givenName,
      family_name: found.familyName,
      email: found.email,
    });
  });

  let posts = 0;
  server.route('POST', '/rest/posts', (request) => {
    server.count('posts');
    const found = bearerMember(request);
    if ('status' in found) return found;
    const version = request.headers['linkedin-version'];
    if (typeof version !== 'string') {
      return json(400, { status: 400, code: 'VERSION_MISSING', message: 'A version must be present. Please specify a version by adding the LinkedIn-Version header.' });
    }
    if (!/^\d{6}(\.\d{2})?$/.test(version)) return json(400, { status: 400, code: 'INVALID_VERSION', message: `Requested version ${version} is not active` });
    if (request.headers['x-restli-protocol-version'] !== '2.0.0') return json(400, { status: 400, code: 'ILLEGAL_ARGUMENT', message: 'Rest.li protocol version 2.0.0 is required' });
    const post = request.json() as { author?: unknown; commentary?: unknown } | undefined;
    if (post?.author !== `urn:li:person:${found.sub}` || typeof post.commentary !== 'string') {
      return json(422, { status: 422, code: 'UNPROCESSABLE_ENTITY', message: 'The post needs the member as author, and commentary' });
    }
    posts += 1;
    return { status: 201, headers: { 'x-restli-id': `urn:li:share:${7_000_000_000 + posts}` } };
  });

  return {
    ...controls.handle,
    issuer,
    cancelNextAuthorization: (error) => {
      cancel = error;
    },
  };
}
