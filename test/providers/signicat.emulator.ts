/**
 * An emulator of a Signicat account's eID and Wallet Hub OpenID Connect endpoints (its issuer the emulator's origin
 * and `/auth/open`, as `https://<domain>/auth/open` is Signicat's) with one OIDC client, written from Signicat's pages:
 * - Discovery at /auth/open/.well-known/openid-configuration:
 *   https://developer.signicat.com/docs/eid-hub/quick-start/oidc/
 * - The client: the Authorization Code grant, a secret (`requireSecret`), offline access allowed
 *   (`allowOfflineAccess`), 10-minute access tokens (`accessTokenLifetime: 600`), a redirect URI that must match:
 *   https://developer.signicat.com/apis/oidc-config/, https://developer.signicat.com/docs/eid-hub/oidc/oidc-client/
 * - `openid` is mandatory; `profile` brings `name`, `given_name`, `family_name` and `birthdate`; the code flow may add
 *   a refresh token: https://developer.signicat.com/docs/authentication/oidc/oidc-implementation.html
 * - The subject is hashed: Base64(SHA-256(eID, the eID's id for the person, the organisation's id)) with `+` and `/`
 *   made `-`, the same for one person and eID within the organisation:
 *   https://developer.signicat.com/docs/eid-hub/concepts/subject/
 * Made up here, as Signicat's pages do not say them: the paths under /auth/open (IdentityServer's /connect/…, as
 * Signicat clients' code shows them), the page for an unknown client or redirect URI, `access_denied` for a declined
 * sign-in, refusals as RFC 6749 §5.2's codes with HTTP 400 (`invalid_client` too), rotating refresh tokens, userinfo's
 * 401, and revocation at /connect/revocation (RFC 7009: a refresh token ends its grant). PKCE is checked when sent.
 * revokeConsent() is the person's grants ended at Signicat. The authorization page approves at once for signInAs()'s
 * person, through the eID `idp` names.
 */
import { createHash } from 'node:crypto';
import { codeRequest, redirectBack } from './kit/authorization.js';
import { countedAuthentication } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, openIdTokenAnswer, tokenEndpoint } from './kit/token-endpoint.js';

export interface SignicatUser {
  /** The eID the person signs in with, by Signicat's code (`nbid`: Norwegian BankID). */
  idp: string;
  /** The eID's own identifier for the person (`idpId`), which Signicat hashes into the subject. */
  idpId: string;
  givenName: string;
  familyName: string;
}

export interface SignicatEmulator extends EmulatorHandle<SignicatUser> {
  readonly issuer: string;
  /** The person's grants to the client end at Signicat: every token of theirs stops working. */
  revokeConsent(user: SignicatUser): void;
}

/** The organisation's id in the Signicat Dashboard, an input of every subject. */
const ORGANIZATION_ID = 'o-p-a1b2c3d4e5f6g7h8i9j0';
export const SIGNICAT_ACCESS_TOKEN_SECONDS = 600;

/** Signicat's hashed subject of a person signing in with one eID for this organisation. */
export function signicatSubject(user: Pick<SignicatUser, 'idp' | 'idpId'>): string {
  return createHash('sha256').update(`${user.idp}:${user.idpId}:${ORGANIZATION_ID}`).digest('base64').replace(/[+/]/g, '-');
}

export async function startSignicatEmulator(options: EmulatorOptions): Promise<SignicatEmulator> {
  const server = await startEmulatorServer();
  const issuer = `${server.origin}/auth/open`;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<SignicatUser>({ now, accessTokenTtl: SIGNICAT_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating' });
  const controls = emulatorControls<SignicatUser>(server, grants);

  server.route('GET', '/auth/open/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      jwks_uri: `${issuer}/.well-known/openid-configuration/jwks`,
      authorization_endpoint: `${issuer}/connect/authorize`,
      token_endpoint: `${issuer}/connect/token`,
      userinfo_endpoint: `${issuer}/connect/userinfo`,
      end_session_endpoint: `${issuer}/connect/endsession`,
      revocation_endpoint: `${issuer}/connect/revocation`,
      scopes_supported: ['openid', 'profile', 'nin', 'offline_access'],
      claims_supported: ['sub', 'name', 'given_name', 'family_name', 'birthdate', 'idp', 'idp_id'],
      grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
      response_types_supported: ['code', 'code id_token'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      id_token_signing_alg_values_supported: ['RS256'],
      subject_types_supported: ['public', 'pairwise'],
      code_challenge_methods_supported: ['plain', 'S256'],
    }),
  );
  server.route('GET', '/auth/open/.well-known/openid-configuration/jwks', () => json(200, key.jwks));

  server.route('GET', '/auth/open/connect/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Error</h1><p>unauthorized_client</p>');
    const reply = redirectBack(options.redirectUri, query);
    if (!(query.get('scope') ?? '').split(' ').includes('openid')) return reply({ error: 'invalid_scope' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    const asked = codeRequest(query, options, user);
    return reply({ code: grants.issueCode({ ...asked, refreshToken: asked.scope.split(' ').includes('offline_access') }) });
  });

  // The secret by Basic or in the form.
  const authenticates = countedAuthentication(server, options);

  const idToken = (grant: Grant<SignicatUser>, accessToken: string): Promise<string> =>
    grantIdToken(key, grant, accessToken, { iss: issuer, sub: signicatSubject(grant.user), aud: options.clientId, auth_time: now(), idp: grant.user.idp, amr: ['external'] });

  tokenEndpoint(server, '/auth/open/connect/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates,
    errors: {
      client: () => oauthError(400, 'invalid_client'),
      refreshToken: () => oauthError(400, 'invalid_grant'),
      code: () => oauthError(400, 'invalid_grant'),
    },
    answer: async ({ grant, tokens }) => json(200, openIdTokenAnswer(tokens, grant.scope, 'Bearer', await idToken(grant, tokens.accessToken))),
  });

  server.route('POST', '/auth/open/connect/revocation', (request) => {
    server.count('revoke');
    if (!authenticates(request)) return oauthError(400, 'invalid_client');
    grants.revokeToken(request.form().get('token') ?? '');
    return { status: 200 };
  });

  server.route('GET', '/auth/open/connect/userinfo', (request) => {
    server.count('userinfo');
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
    const { user } = grant;
    return json(200, {
      sub: signicatSubject(user),
      idp: user.idp,
      ...(grant.scope.split(' ').includes('profile') ? { name: `${user.givenName} ${user.familyName}`, given_name: user.givenName, family_name: user.familyName, birthdate: '1986-12-31' } : {}),
    });
  });

  return {
    ...controls.handle,
    issuer,
    revokeConsent: (user) => grants.revokeGrantsOf((someone) => someone.idp === user.idp && someone.idpId === user.idpId),
  };
}
