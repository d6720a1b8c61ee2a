/**
 * An emulator of ID-porten, Norway's public login service (its issuer the emulator's origin, as `https://idporten.no`
 * and `https://test.idporten.no` are ID-porten's), with one confidential client, written from Digdir's ID-porten
 * documentation (https://docs.digdir.no/docs/idporten/oidc/: the /authorize, /token and /userinfo endpoints, the
 * id_token, the well-known endpoint and the changes of the new ID-porten):
 * - discovery at `/.well-known/openid-configuration`, naming `/authorize`, `/token`, `/userinfo` and `/jwks.json`;
 *   RS256 ID tokens;
 * - `GET /authorize`: `response_type=code`, `client_id`, `redirect_uri`, `scope`; the new ID-porten requires PKCE
 *   (S256 only, no padding), `state` and `nonce`, and sends its refusals back to the client; a person who cancels is
 *   `access_denied`. The callback carries `iss` (RFC 9207);
 * - `POST /token`: `grant_type=authorization_code` with `code`, `redirect_uri` and `code_verifier` (required), or
 *   `refresh_token`; the client by Basic or in the form (client_secret_basic, client_secret_post); it answers
 *   `access_token`, `token_type: "Bearer"`, `expires_in`, `id_token` (`sub`, `pid`, `acr`, `amr`, `locale`,
 *   `auth_time`, `nonce`, `jti`; no `at_hash`), `refresh_token`, `refresh_token_expires_in` and `scope`;
 * - `GET /userinfo` with the token as Bearer: `sub`, `pid` and `locale`.
 * Made up here (the pages do not say): the keys' path, the page for an unknown client or redirect URI, a rotated refresh token refused once used, the refresh token's
 * lifetime, the 401 of userinfo, and no revocation endpoint in the metadata. The authorization page approves at once
 * for signInAs()'s person.
 */
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { bearerGrant, isGrant } from './kit/bearer-grant.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { html, json, startEmulatorServer } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { createSigningKey } from './kit/signing.js';
import { oauthError, tokenEndpoint } from './kit/token-endpoint.js';

export interface IdPortenUser {
  /** The pairwise subject this client always gets for the person. */
  sub: string;
  /** The Norwegian national identity number (fødselsnummer or d-nummer). */
  pid: string;
  amr: string;
  acr: 'idporten-loa-substantial' | 'idporten-loa-high';
}

export interface IdPortenEmulator extends EmulatorHandle<IdPortenUser> {
  readonly issuer: string;
  /** Every token of this person's stops working at ID-porten. */
  endSessionOf(user: IdPortenUser): void;
}

export const ID_PORTEN_ACCESS_TOKEN_SECONDS = 600;
const REFRESH_TOKEN_SECONDS = 7200;

export async function startIdPortenEmulator(options: { clientId: string; clientSecret: string; redirectUri: string }): Promise<IdPortenEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const key = await createSigningKey('RS256');
  const grants = new GrantStore<IdPortenUser>({ accessTokenTtl: ID_PORTEN_ACCESS_TOKEN_SECONDS, refreshPolicy: 'rotating', refreshTokenTtl: REFRESH_TOKEN_SECONDS });
  const controls = emulatorControls<IdPortenUser>(server, grants);

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/jwks.json`,
      scopes_supported: ['openid', 'profile'],
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'form_post', 'fragment'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
      code_challenge_methods_supported: ['S256'],
      acr_values_supported: ['idporten-loa-substantial', 'idporten-loa-high'],
      ui_locales_supported: ['nb', 'nn', 'en', 'se'],
      authorization_response_iss_parameter_supported: true,
    }),
  );
  server.route('GET', '/jwks.json', () => json(200, key.jwks));

  // ID-porten's own route: every answer sent back carries `iss` (RFC 9207), the code's included.
  server.route('GET', '/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) return html(400, '<h1>Ugyldig klient</h1>');
    const reply = redirectBack(options.redirectUri, query, { iss: issuer });
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    if (!requestedScopes(query).includes('openid')) return reply({ error: 'invalid_scope' });
    const challenge = query.get('code_challenge');
    if (!challenge || query.get('code_challenge_method') !== 'S256' || challenge.endsWith('=')) return reply({ error: 'invalid_request', error_description: 'PKCE with S256 is required' });
    if (!query.get('state') || !query.get('nonce')) return reply({ error: 'invalid_request', error_description: 'state and nonce are required' });
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    return reply({ code: grants.issueCode(codeRequest(query, options, user)) });
  });

  tokenEndpoint(server, '/token', {
    client: options,
    grants,
    failure: { queued: controls.tokenFailure },
    authenticates: (request) => authenticatesAs(request, options),
    errors: { client: () => oauthError(401, 'invalid_client') },
    refuseCode: (form) => (form.get('code_verifier') && form.get('redirect_uri') ? undefined : oauthError(400, 'invalid_request', 'code_verifier and redirect_uri are required')),
    answer: async ({ grant, tokens, grantType }) => {
      const now = Math.floor(Date.now() / 1000);
      const idToken =
        grantType === 'authorization_code'
          ? await key.signIdToken(
              {
                iss: issuer,
                aud: options.clientId,
                sub: grant.user.sub,
                pid: grant.user.pid,
                acr: grant.user.acr,
                amr: [grant.user.amr],
                locale: 'nb',
                auth_time: now,
                jti: `jti-${tokens.accessToken.slice(0, 8)}`,
                ...(grant.nonce ? { nonce: grant.nonce } : {}),
              },
              120,
            )
          : undefined;
      return json(200, {
        access_token: tokens.accessToken,
        ...(idToken ? { id_token: idToken } : {}),
        token_type: 'Bearer',
        expires_in: tokens.expiresIn,
        refresh_token: tokens.refreshToken,
        refresh_token_expires_in: tokens.refreshTokenExpiresIn,
        scope: grant.scope,
      });
    },
  });

  server.route('GET', '/userinfo', (request) => {
    server.count('userinfo');
    const grant = bearerGrant(grants, request, () => ({ status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } }));
    if (!isGrant(grant)) return grant;
    return json(200, { sub: grant.user.sub, pid: grant.user.pid, locale: 'nb' });
  });

  return {
    ...controls.handle,
    issuer,
    endSessionOf: (user) => grants.revokeGrantsOf((someone) => someone.sub === user.sub),
  };
}
