/**
 * An emulator of an Idura Verify domain (its issuer the emulator's origin, as `https://<domain>` is Idura's) with one
 * application, written from Idura's pages:
 * - Discovery at /.well-known/openid-configuration: https://docs.idura.app/verify/guides/work-with-metadata
 * - `GET /oauth2/authorize`: `response_type=code`, the application's `client_id` and a registered `redirect_uri`,
 *   `scope` holding `openid`; `acr_values` picks one eID, and without it the person chooses one; failures come back
 *   as `error` and `error_description`: https://docs.idura.app/verify/getting-started/oidc-intro,
 *   https://docs.idura.app/verify/reference/authorization-flows/authorization-code-flow/
 * - `POST /oauth2/token`: a form with `grant_type`, `code`, `redirect_uri`, the client by Basic with its id and
 *   secret each form-encoded first (or in the form, taken though discouraged); PKCE checked when the authorization
 *   request sent a challenge: https://docs.idura.app/verify/reference/authorization-flows/pkce/
 * - The ID token and userinfo (`plainJson`) carry `identityscheme`, `authenticationtype` (the eID's acr value),
 *   `nameidentifier` and `sub` (`{…}`, the tenant's persistent pseudonym for the eID user), and the names:
 *   https://docs.idura.app/verify/reference/token-contents/
 * Made up here, as Idura's pages do not say them: the error page for an unknown client or redirect URI,
 * `access_denied` for a cancelled sign-in, refusals as RFC 6749 §5.2's codes with HTTP 400 (`unsupported_grant_type`
 * for a refresh: no refresh token is issued), the 120-second access token (the CIBA example's `expires_in`), and
 * userinfo's 401 for a token it does not take. `endSessionOf()` is the person's tokens ended at Idura. The
 * authorization page approves at once for signInAs()'s person, through the eID `acrValue` names (the one asked, or
 * the person's own choice).
 */
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { countedAuthentication } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';
import { createSigningKey, grantIdToken } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface IduraUser {
  /** The persistent pseudonym Idura gives this eID user in the tenant, a GUID in braces. */
  sub: string;
  /** The eID the person signs in with when none is asked for, by its acr value (in a grant: the one used). */
  acrValue: string;
  givenName: string;
  familyName: string;
}

export interface IduraEmulator extends EmulatorHandle<IduraUser> {
  readonly issuer: string;
  /** Every token of this person's stops working at Idura. */
  endSessionOf(user: IduraUser): void;
  /** The next userinfo request fails with this HTTP status. */
  failNextUserinfo(status: number): void;
}

export const IDURA_ACCESS_TOKEN_SECONDS = 120;

/** The eIDs' `identityscheme`, by their acr value. */
const SCHEMES: Record<string, string> = {
  'urn:grn:authn:dk:mitid:substantial': 'dkmitid',
  'urn:grn:authn:se:bankid:same-device': 'sebankid',
  'urn:grn:authn:no:bankid': 'nobankid-oidc',
};

export async function startIduraEmulator(options: EmulatorOptions): Promise<IduraEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const key = await createSigningKey('RS256', now);
  const grants = new GrantStore<IduraUser>({ now, accessTokenTtl: IDURA_ACCESS_TOKEN_SECONDS, refreshPolicy: 'none' });
  const controls = emulatorControls<IduraUser>(server, grants);
  const userinfoFailure = queuedFailure();

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/oauth2/authorize`,
      token_endpoint: `${issuer}/oauth2/token`,
      userinfo_endpoint: `${issuer}/oauth2/userinfo`,
      jwks_uri: `${issuer}/.well-known/jwks`,
      response_types_supported: ['code', 'id_token', 'code id_token'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      grant_types_supported: ['authorization_code', 'implicit', 'urn:openid:params:grant-type:ciba'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: ['openid', 'address', 'email', 'phone', 'birthdate', 'ssn'],
      acr_values_supported: Object.keys(SCHEMES),
      claims_supported: ['iss', 'aud', 'sub', 'identityscheme', 'authenticationtype', 'nameidentifier', 'name', 'given_name', 'family_name', 'country'],
    }),
  );
  server.route('GET', '/.well-known/jwks', () => json(200, key.jwks));

  server.route('GET', '/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Error</h1><p>Unknown client or callback URL</p>');
    const reply = redirectBack(options.redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type', error_description: 'response_type must be code' });
    if (!requestedScopes(query).includes('openid')) return reply({ error: 'invalid_scope', error_description: 'scope must include openid' });
    const asked = query.get('acr_values');
    if (asked !== null && !(asked in SCHEMES)) return reply({ error: 'invalid_request', error_description: 'Unknown acr_values' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'User cancelled login' });
    // The grant is for the person as they signed in: through the eID asked for, or their own choice.
    return reply({ code: grants.issueCode(codeRequest(query, options, { ...user, acrValue: asked ?? user.acrValue })) });
  });

  // Basic, its id and secret form-decoded (RFC 6749 §2.3.1), or the form's pair.
  const authenticates = countedAuthentication(server, options);

  const claims = (grant: Grant<IduraUser>) => {
    const { user } = grant;
    const acr = user.acrValue;
    return {
      identityscheme: SCHEMES[acr],
      authenticationtype: acr,
      nameidentifier: user.sub.replace(/[{}-]/g, ''),
      sub: user.sub,
      name: `${user.givenName} ${user.familyName}`,
      given_name: user.givenName,
      family_name: user.familyName,
      country: acr.split(':')[3]!.toUpperCase(),
    };
  };

  tokenEndpoint(server, '/oauth2/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates,
    errors: {
      client: () => oauthError(400, 'invalid_client'),
      code: () => oauthError(400, 'invalid_grant'),
    },
    // Idura issues no refresh token.
    refuseRefresh: () => oauthError(400, 'unsupported_grant_type'),
    answer: async ({ grant, tokens }) => {
      const idToken = await grantIdToken(key, grant, tokens.accessToken, { iss: issuer, aud: options.clientId, ...claims(grant) }, 1200);
      return json(200, { token_type: 'Bearer', expires_in: tokens.expiresIn, id_token: idToken, access_token: tokens.accessToken });
    },
  });

  server.route('GET', '/oauth2/userinfo', (request) => {
    server.count('userinfo');
    const status = userinfoFailure.take();
    if (status !== undefined) return json(status, { error: 'server_error' });
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) return json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    return json(200, claims(grant));
  });

  return {
    ...controls.handle,
    issuer,
    endSessionOf: (user) => grants.revokeGrantsOf((someone) => someone.sub === user.sub),
    failNextUserinfo: userinfoFailure.queue,
  };
}
