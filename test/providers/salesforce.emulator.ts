/**
 * An emulator of Salesforce's OAuth 2.0 web server flow, its OpenID Connect
 * endpoints and a sliver of its REST API, written from Salesforce's docs:
 * - Web server flow and its token answer (`instance_url`, `id`, `issued_at`,
 *   `signature`, no `expires_in`), PKCE:
 *   https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm
 * - Refresh token flow (no new refresh token unless rotation is on; `invalid_grant`
 *   "expired access/refresh token"):
 *   https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_refresh_token_flow.htm
 * - Discovery, userinfo, the identity URL as `sub`:
 *   https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_openid_discovery_endpoint.htm,
 *   https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_userinfo_endpoint.htm
 * - Revocation: https://help.salesforce.com/s/articleView?id=sf.remoteaccess_revoke_token.htm
 * - A REST call with an expired session: 401 `INVALID_SESSION_ID`:
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
 * The login host (its issuer) and the org's instance are the emulator's origin
 * unless a test makes the token answer name another instance.
 */
import { createHash, createHmac } from 'node:crypto';
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { createSigningKey } from './kit/signing.js';

export interface SalesforceUser {
  orgId: string;
  userId: string;
  name: string;
  email: string;
}

export interface SalesforceEmulator extends Omit<EmulatorHandle<SalesforceUser>, 'denyNextAuthorization' | 'failNextTokenRequest'> {
  /** What the token answer says `instance_url` is (default: the emulator's origin). */
  setInstanceUrl(url: string | null): void;
  /** Ends a session as its timeout would: the access token stops working, the refresh token does not. */
  expireSession(accessToken: string): void;
}

export async function startSalesforceEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<SalesforceEmulator> {
  const server = await startEmulatorServer();
  const issuer = server.origin;
  const key = await createSigningKey('RS256');
  // Sessions end by timeout, not by a lifetime the token answer states.
  const grants = new GrantStore<SalesforceUser>({ accessTokenTtl: null, refreshPolicy: 'static' });
  const controls = emulatorControls<SalesforceUser>(server, grants);
  let instanceUrl: string | null = issuer;

  const identityUrl = (person: SalesforceUser) => `${issuer}/id/${person.orgId}/${person.userId}`;

  server.route('GET', '/.well-known/openid-configuration', () =>
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/services/oauth2/authorize`,
      token_endpoint: `${issuer}/services/oauth2/token`,
      revocation_endpoint: `${issuer}/services/oauth2/revoke`,
      userinfo_endpoint: `${issuer}/services/oauth2/userinfo`,
      jwks_uri: `${issuer}/id/keys`,
      scopes_supported: ['id', 'api', 'email', 'address', 'phone', 'web', 'openid', 'full', 'refresh_token', 'offline_access', 'profile'],
      response_types_supported: ['code', 'token', 'token id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'private_key_jwt'],
      claims_supported: ['active', 'address', 'email', 'email_verified', 'family_name', 'given_name', 'is_app_installed', 'language', 'locale', 'name', 'nickname', 'organization_id', 'phone_number', 'photos', 'picture', 'preferred_username', 'profile', 'sub', 'updated_at', 'urls', 'user_id', 'user_type', 'zoneinfo'],
    }),
  );
  server.route('GET', '/id/keys', () => json(200, key.jwks));

  server.route('GET', '/services/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('client_id') !== options.clientId) return json(400, { error: 'invalid_client_id', error_description: 'client identifier invalid' });
    if (query.get('redirect_uri') !== options.redirectUri) return json(400, { error: 'redirect_uri_mismatch', error_description: 'redirect_uri must match configuration' });
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied', error_description: 'end-user denied authorization' });
    const scope = requestedScopes(query);
    return reply({ code: grants.issueCode({ ...codeRequest(query, options, user), refreshToken: scope.includes('refresh_token') || scope.includes('offline_access') }) });
  });

  const tokenAnswer = async (person: SalesforceUser, scope: string, accessToken: string, extra: Record<string, unknown>) => {
    const issuedAt = String(Date.now());
    const id = identityUrl(person);
    return json(200, {
      access_token: accessToken,
      ...extra,
      // HMAC-SHA256 of id + issued_at with the client secret, as Salesforce signs its answers.
      signature: createHmac('sha256', options.clientSecret).update(id + issuedAt).digest('base64'),
      scope,
      ...(instanceUrl === null ? {} : { instance_url: instanceUrl }),
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    });
  };

  server.route('POST', '/services/oauth2/token', async (request) => {
    const form = request.form();
    if (form.get('client_id') !== options.clientId) return json(400, { error: 'invalid_client_id', error_description: 'client identifier invalid' });
    if (form.get('client_secret') !== options.clientSecret) return json(400, { error: 'invalid_client', error_description: 'invalid client credentials' });
    if (form.get('grant_type') === 'refresh_token') {
      server.count('refresh_token');
      const refreshed = grants.refresh(form.get('refresh_token') ?? '', options.clientId);
      if (!refreshed.ok) return json(400, { error: 'invalid_grant', error_description: 'expired access/refresh token' });
      return tokenAnswer(refreshed.grant.user, refreshed.grant.scope, refreshed.tokens.accessToken, {});
    }
    server.count('authorization_code');
    const redeemed = grants.redeemCode(form.get('code') ?? '', { clientId: options.clientId, redirectUri: form.get('redirect_uri'), codeVerifier: form.get('code_verifier') });
    if (!redeemed.ok) return json(400, { error: 'invalid_grant', error_description: 'authentication failure' });
    const { grant, tokens } = redeemed;
    const idToken = grant.scope.split(' ').includes('openid')
      ? await key.signIdToken({
          iss: issuer,
          aud: options.clientId,
          sub: identityUrl(grant.user),
          at_hash: createHash('sha256').update(tokens.accessToken).digest().subarray(0, 16).toString('base64url'),
          ...(grant.nonce ? { nonce: grant.nonce } : {}),
        })
      : undefined;
    return tokenAnswer(grant.user, grant.scope, tokens.accessToken, {
      ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
      ...(idToken ? { id_token: idToken } : {}),
    });
  });

  server.route('POST', '/services/oauth2/revoke', (request) => {
    server.count('revoke');
    const token = request.form().get('token') ?? '';
    const grant = grants.grantOfToken(token);
    if (!grant || grant.revoked) return json(400, { error: 'invalid_token', error_description: 'invalid token' });
    grants.revokeGrant(grant.id);
    return { status: 200 };
  });

  const sessionUser = (request: EmulatorRequest): SalesforceUser | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    return grant ? grant.user : json(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  };

  server.route('GET', '/services/oauth2/userinfo', (request) => {
    server.count('userinfo');
    const found = sessionUser(request);
    if ('status' in found) return { status: 403, headers: { 'content-type': 'text/plain' }, body: 'Bad_OAuth_Token' };
    return json(200, { sub: identityUrl(found), user_id: found.userId, organization_id: found.orgId, name: found.name, email: found.email, email_verified: true, preferred_username: found.email });
  });

  server.route('GET', '/services/data/v62.0/sobjects/Account/:id', (request) => {
    server.count('api_account');
    const found = sessionUser(request);
    if ('status' in found) return found;
    return json(200, { attributes: { type: 'Account', url: request.url.pathname }, Id: request.params.id, Name: 'Edge Communications' });
  });

  return {
    ...controls.handle,
    origin: issuer,
    setInstanceUrl: (url) => {
      instanceUrl = url;
    },
    expireSession: (accessToken) => {
      grants.revokeAccessToken(accessToken);
    },
  };
}
