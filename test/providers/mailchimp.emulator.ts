/**
 * An emulator of Mailchimp's OAuth server (login.mailchimp.com) and of the
 * part of an account's Marketing API ({api_endpoint}/3.0) a connection
 * touches, written from Mailchimp's documentation:
 * - OAuth (https://mailchimp.com/developer/marketing/guides/access-user-data-oauth-2/):
 *   `GET /oauth2/authorize` with `response_type=code`, `client_id` and
 *   `redirect_uri` (the one registered); no scopes. A declined authorization
 *   goes back to the redirect URI with an error (its value is not documented:
 *   `access_denied` here, RFC 6749 §4.1.2.1's). `POST /oauth2/token` with
 *   `grant_type=authorization_code`, `client_id`, `client_secret`,
 *   `redirect_uri` and `code` in the form; the access token never expires and
 *   no refresh token is issued. The answer is `{access_token, expires_in: 0,
 *   scope: null}`, without a `token_type`, as integrations report it (the
 *   guide shows none); refused
 *   token requests answer RFC 6749 §5.2's `error`, which Mailchimp does not
 *   document either.
 * - `GET /oauth2/metadata` with `Authorization: OAuth <access token>` (the
 *   only scheme taken here, the one the guide documents) answers `dc`,
 *   `role`, `accountname`, `user_id`, `login` {`email`, `avatar`,
 *   `login_id`, `login_name`, `login_email`}, `login_url` and
 *   `api_endpoint`, the account's data centre (this emulator's origin unless
 *   a test names another); 401 `{"error": "invalid_token"}` otherwise (that
 *   body is not documented).
 * - The Marketing API (https://mailchimp.com/developer/marketing/api/root/,
 *   https://mailchimp.com/developer/marketing/api/ping/,
 *   https://mailchimp.com/developer/marketing/api/lists/) takes the token as
 *   `Authorization: Bearer`; errors are problem details `{type, title, status,
 *   detail, instance}` as `application/problem+json`, 401 "API Key Invalid"
 *   for a token it does not take (https://mailchimp.com/developer/marketing/docs/errors/).
 * - There is no revocation endpoint; removeApp() is the person removing the
 *   app at Mailchimp, after which neither the metadata call nor the API takes
 *   the token.
 * The authorization page approves at once for signInAs()'s user.
 */
import { randomUUID } from 'node:crypto';
import { redirectBack } from './kit/authorization.js';
import { formCredentials } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest } from './kit/emulator-server.js';
import { GrantStore } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';

export interface MailchimpUser {
  loginId: number;
  loginName: string;
  email: string;
  accountId: number;
  accountName: string;
}

export interface MailchimpEmulator extends EmulatorHandle<MailchimpUser> {
  /** What the metadata says `api_endpoint` is (default: the emulator's origin); undefined: it names none. */
  setApiEndpoint(url: string | undefined): void;
  /** The next metadata request fails with this HTTP status. */
  failNextMetadata(status: number): void;
  /** The person removes the app at Mailchimp: this access token is taken nowhere any more. */
  removeApp(accessToken: string): void;
}

function problem(status: number, title: string, detail: string): EmulatorReply {
  const reply = json(status, { type: 'https://mailchimp.com/developer/marketing/docs/errors/', title, status, detail, instance: randomUUID() });
  return { ...reply, headers: { ...reply.headers, 'content-type': 'application/problem+json; charset=utf-8' } };
}

export async function startMailchimpEmulator(options: Omit<EmulatorOptions, 'now'>): Promise<MailchimpEmulator> {
  const server = await startEmulatorServer();
  const grants = new GrantStore<MailchimpUser>({ accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<MailchimpUser>(server, grants);
  let apiEndpoint: string | undefined = server.origin;
  const metadataFailure = queuedFailure();

  server.route('GET', '/oauth2/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    if (query.get('response_type') !== 'code' || query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return html(400, '<h1>Invalid client or redirect URI</h1>');
    }
    const reply = redirectBack(options.redirectUri, query);
    const user = controls.approver();
    if (!user) return reply({ error: 'access_denied' });
    return reply({ code: grants.issueCode({ clientId: options.clientId, redirectUri: options.redirectUri, scope: '', codeChallenge: undefined, codeChallengeMethod: undefined, user }) });
  });

  /** The client in the form body, as the guide's token request sends it. */
  const isClient = (request: EmulatorRequest): boolean => formCredentials(request, options);

  server.route('POST', '/oauth2/token', (request) => {
    server.count('token_request');
    const status = controls.tokenFailure();
    if (status !== undefined) return html(status, '<h1>Service Unavailable</h1>');
    if (!isClient(request)) return json(401, { error: 'invalid_client', error_description: 'Invalid client credentials' });
    const form = request.form();
    if (form.get('grant_type') !== 'authorization_code') return json(400, { error: 'unsupported_grant_type' });
    server.count('authorization_code');
    const redeemed = grants.redeemCode(form.get('code') ?? '', { clientId: options.clientId, redirectUri: form.get('redirect_uri'), codeVerifier: form.get('code_verifier') });
    if (!redeemed.ok) return json(400, { error: 'invalid_grant', error_description: 'Invalid authorization code' });
    return json(200, { access_token: redeemed.tokens.accessToken, expires_in: 0, scope: null });
  });

  server.route('GET', '/oauth2/metadata', (request) => {
    server.count('metadata');
    const status = metadataFailure.take();
    if (status !== undefined) return html(status, '<h1>Error</h1>');
    const token = /^OAuth (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const grant = grants.grantOfAccessToken(token);
    if (!grant) return json(401, { error: 'invalid_token' });
    const { user } = grant;
    return json(200, {
      dc: 'us6',
      role: 'owner',
      accountname: user.accountName,
      user_id: user.accountId,
      login: { email: user.email, avatar: null, login_id: user.loginId, login_name: user.loginName, login_email: user.email },
      login_url: 'https://login.mailchimp.com',
      ...(apiEndpoint === undefined ? {} : { api_endpoint: apiEndpoint }),
    });
  });

  const apiGrant = (request: EmulatorRequest) => grants.grantOfAccessToken(request.bearer() ?? '');
  const invalidKey = () => problem(401, 'API Key Invalid', "Your API key may be invalid, or you've attempted to access the wrong datacenter.");

  server.route('GET', '/3.0/ping', (request) => {
    server.count('ping');
    if (!apiGrant(request)) return invalidKey();
    return json(200, { health_status: "Everything's Chimpy!" });
  });

  server.route('GET', '/3.0/lists', (request) => {
    server.count('lists');
    const grant = apiGrant(request);
    if (!grant) return invalidKey();
    return json(200, { lists: [{ id: 'a36b032126', web_id: 440_689, name: `Customers of ${grant.user.accountName}` }], total_items: 1 });
  });

  return {
    ...controls.handle,
    setApiEndpoint: (url) => {
      apiEndpoint = url;
    },
    failNextMetadata: metadataFailure.queue,
    removeApp: (accessToken) => {
      const grant = grants.grantOfAccessToken(accessToken);
      if (grant) grants.revokeGrant(grant.id);
    },
  };
}
