/**
 * An emulator of one Mastodon instance (4.3 or later; its URL is the
 * emulator's origin) as an OAuth 2.0 server and the part of its REST API a
 * connection touches, written from Mastodon's documentation:
 * - Apps: `POST /api/v1/apps` (https://docs.joinmastodon.org/methods/apps/#create),
 *   a form (urlencoded or multipart) or JSON: `client_name` and
 *   `redirect_uris` (a string, one URI a line, or an array) required,
 *   `scopes` (space-separated, default `read`, each one the instance knows)
 *   and `website` optional. Each request makes a new app, with a new id,
 *   client id and secret, answered as the CredentialApplication entity
 *   (https://docs.joinmastodon.org/entities/Application/#CredentialApplication):
 *   `id`, `name`, `website`, `scopes` as an array, `redirect_uri` (the URIs,
 *   one a line, deprecated), `redirect_uris`, `client_id`, `client_secret`,
 *   `client_secret_expires_at` 0 and the deprecated `vapid_key`. What the
 *   model refuses is 422 `{ "error": "Validation failed: …" }` in the
 *   words of Mastodon's and Doorkeeper's locale files (a blank name or
 *   redirect URI, a relative or fragment URI, an unknown scope). An app the
 *   options name is there from the start; apps an admin deletes
 *   (`removeApp`) are unknown clients from then on, their tokens dead.
 * - Authorize: `GET /oauth/authorize` with `response_type=code`, `client_id`
 *   (an app the instance has), `redirect_uri` (one of that app's, else
 *   Doorkeeper's error page; `urn:ietf:wg:oauth:2.0:oob` shows the code on
 *   a page), `state`, `scope` (space-separated, each within the app's
 *   registered scopes, else `invalid_scope`; none is `read`) and PKCE, `S256` only
 *   (https://docs.joinmastodon.org/methods/oauth/#authorize,
 *   https://docs.joinmastodon.org/api/oauth-scopes/). A person who declines
 *   comes back with `access_denied`.
 * - Token: `POST /oauth/token`, a form, the client (any app of the
 *   instance, checked against its own secret) in the form or as Basic
 *   (the metadata lists both), the code good once and for that app only, its PKCE verifier checked.
 *   The answer is `{ access_token, token_type: "Bearer", scope, created_at }`:
 *   no `expires_in`, no refresh token, since tokens "will not expire
 *   automatically" (https://docs.joinmastodon.org/methods/oauth/#token,
 *   https://docs.joinmastodon.org/api/oauth-tokens/); a refresh_token grant
 *   is `unsupported_grant_type` (the metadata lists only
 *   `authorization_code` and `client_credentials`). Refusals are RFC 6749 §5.2
 *   JSON with Doorkeeper's descriptions, 400 `invalid_grant` for a code,
 *   401 `invalid_client`, each with Doorkeeper's
 *   `WWW-Authenticate: Bearer realm="Doorkeeper", error=…` challenge.
 * - `GET /.well-known/oauth-authorization-server`, RFC 8414 metadata as 4.3
 *   serves it (https://docs.joinmastodon.org/methods/oauth/#authorization-server-metadata),
 *   `app_registration_endpoint` naming `/api/v1/apps`; with `metadata: false`
 *   an instance older than 4.3, where that path is Rails' 404 page. The preset
 *   does not read it, so a test can show that.
 * - With `userinfo: true`, Mastodon 4.4's `GET /oauth/userinfo`
 *   (https://docs.joinmastodon.org/methods/oauth/#userinfo), for a token
 *   with `profile`: `sub` (the actor URI), `name`, `preferred_username`,
 *   `profile`, `picture`; the metadata then lists it as `userinfo_endpoint`.
 * - Revoke: `POST /oauth/revoke` with `client_id`, `client_secret` and
 *   `token`: 200 `{}`, again for a token already revoked; a token of another
 *   client, or none, or a client that does not authenticate, 403 `unauthorized_client`
 *   (https://docs.joinmastodon.org/methods/oauth/#revoke).
 * - `GET /api/v1/accounts/verify_credentials` with `profile`, `read` or
 *   `read:accounts` (https://docs.joinmastodon.org/methods/accounts/#verify_credentials);
 *   `GET /api/v1/preferences` with `read` or `read:accounts`
 *   (https://docs.joinmastodon.org/methods/preferences/). A token it does
 *   not take is 401 `{ "error": "The access token is invalid" }`, one
 *   without the scope 403 `{ "error": "This action is outside the authorized scopes" }`.
 * - WebFinger: `GET /.well-known/webfinger?resource=acct:<username>@<host>`
 *   (RFC 7033, https://docs.joinmastodon.org/spec/webfinger/): the JRD
 *   (`application/jrd+json`) of an account the instance has (signed in
 *   with signInAs() or added with addAccount()): `subject`, `aliases`, the
 *   profile page and the `self` ActivityPub actor `<instance>/users/<username>`.
 *   An unknown account is 404, a request without `resource` 400, both with
 *   no body. The actor's URI is also taken as `resource`. `localDomain` is
 *   the instance's handle domain when it is not its host (Mastodon's
 *   `LOCAL_DOMAIN` beside `WEB_DOMAIN`), and `startWebfingerHost()` serves
 *   WebFinger at such a domain for accounts whose instance is elsewhere.
 * The authorization page approves at once for the user set with signInAs().
 */
import { createECDH, randomBytes, randomInt } from 'node:crypto';
import { codeRequest, redirectBack, requestedScopes } from './kit/authorization.js';
import { authenticatesAs } from './kit/client-authentication.js';
import { emulatorControls, type EmulatorHandle } from './kit/controls.js';
import { describedError } from './kit/described-errors.js';
import type { EmulatorOptions } from './kit/emulator-options.js';
import { html, json, startEmulatorServer, type EmulatorReply, type EmulatorRequest, type EmulatorServer } from './kit/emulator-server.js';
import { GrantStore, type Grant } from './kit/grants.js';
import { queuedFailure } from './kit/queued-failure.js';

/** A refusal as Doorkeeper answers it: the JSON body, and the same error in a Bearer challenge. */
function refusal(status: number, error: Parameters<typeof describedError>[0]): EmulatorReply {
  const body = describedError(error);
  return json(status, body, { 'www-authenticate': `Bearer realm="Doorkeeper", error="${body.error}", error_description="${body.error_description}"` });
}

/** Doorkeeper's error page at the authorization endpoint (its `authorizations.error` view), with its locale's message. */
function doorkeeperErrorPage(message: string): EmulatorReply {
  return html(400, `<h2>An error has occurred</h2><p>${message}</p>`);
}

/** Rails' public/404.html, what a path without a route answers. */
const RAILS_404 = html(404, '<!DOCTYPE html>\n<html>\n<head>\n  <title>The page you were looking for doesn\'t exist (404)</title>\n</head>\n<body>\n  <div class="dialog">\n    <h1>The page you were looking for doesn\'t exist.</h1>\n    <p>You may have mistyped the address or the page may have moved.</p>\n  </div>\n</body>\n</html>\n');

export interface MastodonUser {
  /** The account's id at the instance, a number as a string. */
  id: string;
  username: string;
  displayName: string;
}

export interface MastodonEmulatorOptions extends Partial<Omit<EmulatorOptions, 'now'>> {
  /** The `scopes` the app of the options was registered with (default: read:accounts profile read:statuses). */
  appScopes?: string[];
  /** False: an instance before 4.3, with no RFC 8414 metadata (404). Default true. */
  metadata?: boolean;
  /** True: Mastodon 4.4's `GET /oauth/userinfo`, listed in the metadata. Default false. */
  userinfo?: boolean;
  /** The domain of the instance's handles (`LOCAL_DOMAIN`) when it is not the emulator's host; WebFinger's `subject` names it. */
  localDomain?: string;
}

/** An app registered at the instance, as the admin sees it. */
export interface MastodonApp {
  clientId: string;
  name: string;
  redirectUris: string[];
  scopes: string[];
  website: string | null;
}

export interface MastodonEmulator extends EmulatorHandle<MastodonUser> {
  /** The person revokes the app under Preferences, Account, Authorized apps: its tokens stop working. */
  revokeAppAt(user: MastodonUser): void;
  /** The next verify_credentials request fails with this HTTP status. */
  failNextVerifyCredentials(status: number): void;
  /** The form of each code exchange, and of each revocation, as they came. */
  readonly tokenForms: URLSearchParams[];
  readonly revocationForms: URLSearchParams[];
  /** The apps registered with `POST /api/v1/apps`, in the order they were made (the options' app is not one); a removed app is gone. */
  readonly apps: MastodonApp[];
  /** The instance's admin deletes the app (a registered one or the options'): it is an unknown client from now on, its tokens dead. False: no such app. */
  removeApp(clientId: string): boolean;
  /** The instance has this account, so WebFinger answers for it (signInAs adds the person it is given too). */
  addAccount(user: MastodonUser): void;
  /** `<username>@<domain>`, the account's handle at this instance (its `localDomain`, else its host). */
  handleOf(user: MastodonUser): string;
  /** `<instance>/users/<username>`, the account's ActivityPub actor, WebFinger's `self` link and userinfo's `sub`. */
  actorOf(user: MastodonUser): string;
}

/** Which scopes reach a method: the granular one, its high-level parent, and `profile` where it counts (https://docs.joinmastodon.org/api/oauth-scopes/). */
const READ_ACCOUNTS = ['read', 'read:accounts'];

/** The scopes a Mastodon 4.3 instance knows (https://docs.joinmastodon.org/api/oauth-scopes/); an app may register only these. */
export const MASTODON_SCOPES = [
  'read', 'write', 'push', 'follow', 'profile',
  'read:accounts', 'read:blocks', 'read:bookmarks', 'read:favourites', 'read:filters', 'read:follows', 'read:lists', 'read:mutes', 'read:notifications', 'read:search', 'read:statuses',
  'write:accounts', 'write:blocks', 'write:bookmarks', 'write:conversations', 'write:favourites', 'write:filters', 'write:follows', 'write:lists', 'write:media', 'write:mutes', 'write:notifications', 'write:reports', 'write:statuses',
  'admin:read', 'admin:read:accounts', 'admin:read:reports', 'admin:read:domain_allows', 'admin:read:domain_blocks', 'admin:read:ip_blocks', 'admin:read:email_domain_blocks', 'admin:read:canonical_email_blocks',
  'admin:write', 'admin:write:accounts', 'admin:write:reports', 'admin:write:domain_allows', 'admin:write:domain_blocks', 'admin:write:ip_blocks', 'admin:write:email_domain_blocks', 'admin:write:canonical_email_blocks',
];

const OOB = 'urn:ietf:wg:oauth:2.0:oob';

interface StoredApp extends MastodonApp {
  id: string;
  clientSecret: string;
  /** Registered with POST /api/v1/apps (not the options' app). */
  registered: boolean;
}

/** The request's parameters for POST /api/v1/apps: JSON (arrays kept), a urlencoded form or a multipart one (Rails' `name[]` as an array). */
async function appParameters(request: EmulatorRequest): Promise<Record<string, unknown>> {
  const body = request.json();
  if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  const contentType = request.headers['content-type'] ?? '';
  let entries: Array<[string, string]> = [];
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(request.body, { headers: { 'content-type': contentType } }).formData();
    form.forEach((value, name) => {
      if (typeof value === 'string') entries.push([name, value]);
    });
  } else {
    entries = [...request.form()];
  }
  const parameters: Record<string, unknown> = {};
  for (const [name, value] of entries) {
    if (name.endsWith('[]')) {
      const key = name.slice(0, -2);
      parameters[key] = [...(Array.isArray(parameters[key]) ? (parameters[key] as string[]) : []), value];
    } else parameters[name] = value;
  }
  return parameters;
}

/** A non-empty string, or nothing. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** Why Mastodon (Doorkeeper's model, Mastodon's locale) refuses a redirect URI, or undefined when it takes it. */
function redirectUriProblem(uri: string): string | undefined {
  if (uri === OOB) return undefined;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(uri)) return 'Redirect URI must be an absolute URI.';
  try {
    const parsed = new URL(uri);
    if (parsed.hash !== '' || uri.includes('#')) return 'Redirect URI cannot contain a fragment.';
  } catch {
    return 'Redirect URI must be a valid URI.';
  }
  return undefined;
}

export async function startMastodonEmulator(options: MastodonEmulatorOptions = {}): Promise<MastodonEmulator> {
  const server = await startEmulatorServer();
  const instance = server.origin;
  const host = new URL(instance).host;
  const domain = options.localDomain ?? host;
  const now = () => Math.floor(Date.now() / 1000);
  const grants = new GrantStore<MastodonUser>({ accessTokenTtl: null, refreshPolicy: 'none' });
  const controls = emulatorControls<MastodonUser>(server, grants);
  const profileFailure = queuedFailure();
  const tokenForms: URLSearchParams[] = [];
  const revocationForms: URLSearchParams[] = [];
  // One VAPID key for the instance, as Mastodon's (an uncompressed P-256 point, URL-safe base64).
  const vapidKey = createECDH('prime256v1').generateKeys().toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  const accounts = new Map<string, MastodonUser>();
  const addAccount = (user: MastodonUser) => {
    accounts.set(user.username.toLowerCase(), user);
  };
  const actorOf = (user: MastodonUser) => `${instance}/users/${user.username}`;
  const profileOf = (user: MastodonUser) => `${instance}/@${user.username}`;

  /** Every app the instance has, by client id, in the order made. */
  const apps = new Map<string, StoredApp>();
  if (options.clientId !== undefined) {
    apps.set(options.clientId, {
      id: '1',
      clientId: options.clientId,
      clientSecret: options.clientSecret ?? '',
      name: 'Tokenkeeper',
      redirectUris: options.redirectUri === undefined ? [] : [options.redirectUri],
      scopes: options.appScopes ?? ['read:accounts', 'profile', 'read:statuses'],
      website: null,
      registered: false,
    });
  }
  const appIds = new Set<string>();
  const newAppId = () => {
    let id: string;
    do id = String(randomInt(100_000, 1_000_000_000));
    while (appIds.has(id));
    appIds.add(id);
    return id;
  };

  server.route('POST', '/api/v1/apps', async (request) => {
    // Every registration request counts, a refused one too, as the token endpoint counts its requests.
    server.count('apps');
    const parameters = await appParameters(request);
    const name = text(parameters.client_name);
    const given = parameters.redirect_uris;
    const redirectUris = (Array.isArray(given) ? given.filter((uri): uri is string => typeof uri === 'string') : typeof given === 'string' ? given.split(/\r?\n/) : [])
      .map((uri) => uri.trim())
      .filter(Boolean);
    const scopeText = Array.isArray(parameters.scopes) ? parameters.scopes.join(' ') : text(parameters.scopes);
    const scopes = scopeText === undefined ? ['read'] : [...new Set(scopeText.split(/\s+/).filter(Boolean))];
    const website = text(parameters.website) ?? null;
    const problems: string[] = [];
    if (name === undefined) problems.push("Application name can't be blank");
    else if (name.length > 60) problems.push('Application name is too long (maximum is 60 characters)');
    if (redirectUris.length === 0) problems.push("Redirect URI can't be blank");
    for (const uri of redirectUris) {
      const problem = redirectUriProblem(uri);
      if (problem && !problems.includes(problem)) problems.push(problem);
    }
    if (scopes.some((scope) => !MASTODON_SCOPES.includes(scope))) problems.push("Scopes doesn't match configured on the server.");
    if (website !== null && !/^https?:\/\/[^\s]+$/i.test(website)) problems.push('Application website is invalid');
    if (problems.length > 0) return json(422, { error: `Validation failed: ${problems.join(', ')}` });
    const app: StoredApp = {
      id: newAppId(),
      clientId: randomBytes(32).toString('base64url'),
      clientSecret: randomBytes(32).toString('base64url'),
      name: name!,
      redirectUris,
      scopes,
      website,
      registered: true,
    };
    apps.set(app.clientId, app);
    return json(200, {
      id: app.id,
      name: app.name,
      website: app.website,
      scopes: app.scopes,
      redirect_uri: app.redirectUris.join('\n'),
      redirect_uris: app.redirectUris,
      client_id: app.clientId,
      client_secret: app.clientSecret,
      client_secret_expires_at: 0,
      vapid_key: vapidKey,
    });
  });

  server.route('GET', '/.well-known/oauth-authorization-server', () => {
    if (options.metadata === false) return RAILS_404;
    return json(200, {
      issuer: `${instance}/`,
      service_documentation: 'https://docs.joinmastodon.org/',
      authorization_endpoint: `${instance}/oauth/authorize`,
      token_endpoint: `${instance}/oauth/token`,
      ...(options.userinfo ? { userinfo_endpoint: `${instance}/oauth/userinfo` } : {}),
      app_registration_endpoint: `${instance}/api/v1/apps`,
      revocation_endpoint: `${instance}/oauth/revoke`,
      scopes_supported: MASTODON_SCOPES,
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['authorization_code', 'client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    });
  });

  server.route('GET', '/oauth/authorize', (request) => {
    server.count('authorize');
    const query = request.url.searchParams;
    const app = apps.get(query.get('client_id') ?? '');
    if (!app) return doorkeeperErrorPage(describedError('invalid_client').error_description);
    const redirectUri = query.get('redirect_uri') ?? '';
    if (!app.redirectUris.includes(redirectUri)) return doorkeeperErrorPage('The redirect uri included is not valid.');
    const reply =
      redirectUri === OOB
        ? (params: Record<string, string | undefined>) =>
            params.code === undefined ? doorkeeperErrorPage(params.error_description ?? params.error ?? '') : html(200, `<h2>Authorization code</h2><input class="oauth-code" readonly type="text" value="${params.code}">`)
        : redirectBack(redirectUri, query);
    if (query.get('response_type') !== 'code') return reply({ error: 'unsupported_response_type' });
    const asked = requestedScopes(query);
    if (asked.some((scope) => !app.scopes.includes(scope))) return reply(describedError('invalid_scope'));
    if (query.has('code_challenge') && query.get('code_challenge_method') !== 'S256') {
      return reply({ error: 'invalid_request', error_description: 'The code challenge method must be S256.' });
    }
    const user = controls.approver();
    if (!user) return reply(describedError('access_denied'));
    addAccount(user);
    const code = { ...codeRequest(query, { clientId: app.clientId, redirectUri }, user), scope: asked.length > 0 ? asked.join(' ') : 'read' };
    return reply({ code: grants.issueCode(code) });
  });

  /** The app a token or revocation request names (Basic first, then the form) if it authenticates with that app's secret. */
  const authenticatedApp = (request: EmulatorRequest): StoredApp | undefined => {
    const app = apps.get(request.basicAuth()?.username ?? request.form().get('client_id') ?? '');
    return app && authenticatesAs(request, app) ? app : undefined;
  };

  // The token endpoint in the kit's order of checks (token-endpoint.ts), with the client looked up among the instance's apps.
  server.route('POST', '/oauth/token', (request) => {
    server.count('token_request');
    const status = controls.tokenFailure();
    if (status !== undefined && status !== null) return html(status, '<h1>We\'re sorry, but something went wrong on our end.</h1>');
    const app = authenticatedApp(request);
    if (!app) return refusal(401, 'invalid_client');
    const form = request.form();
    const grantType = form.get('grant_type');
    // Mastodon issues no refresh tokens: a refresh_token grant is one it does not serve.
    if (grantType === 'refresh_token') {
      server.count('refresh_token');
      return refusal(400, 'unsupported_grant_type');
    }
    if (grantType !== 'authorization_code') return refusal(400, 'unsupported_grant_type');
    server.count('authorization_code');
    tokenForms.push(form);
    const redeemed = grants.redeemCode(form.get('code') ?? '', { clientId: app.clientId, redirectUri: form.get('redirect_uri'), codeVerifier: form.get('code_verifier') });
    if (!redeemed.ok) return refusal(400, 'invalid_grant');
    const { grant, tokens } = redeemed;
    return json(200, { access_token: tokens.accessToken, token_type: 'Bearer', scope: grant.scope, created_at: now() }, { 'cache-control': 'no-store', pragma: 'no-cache' });
  });

  server.route('POST', '/oauth/revoke', (request) => {
    server.count('revoke');
    const form = request.form();
    revocationForms.push(form);
    const notYours = () => json(403, { error: 'unauthorized_client', error_description: 'You are not authorized to revoke this token' });
    const app = authenticatedApp(request);
    if (!app || !form.get('token')) return notYours();
    const grant = grants.grantOfToken(form.get('token')!);
    if (grant && grant.clientId !== app.clientId) return notYours();
    if (grant) grants.revokeGrant(grant.id);
    return json(200, {});
  });

  /** The grant of the request's Bearer token if it holds one of `scopes`, else Mastodon's API refusal. */
  const caller = (request: EmulatorRequest, scopes: string[]): Grant<MastodonUser> | EmulatorReply => {
    const grant = grants.grantOfAccessToken(request.bearer() ?? '');
    if (!grant) {
      return json(401, { error: 'The access token is invalid' }, { 'www-authenticate': 'Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token is invalid"' });
    }
    if (!grant.scope.split(' ').some((scope) => scopes.includes(scope))) return json(403, { error: 'This action is outside the authorized scopes' });
    return grant;
  };

  server.route('GET', '/api/v1/accounts/verify_credentials', (request) => {
    server.count('verify_credentials');
    const status = profileFailure.take();
    if (status !== undefined) return html(status, '<h1>We\'re sorry, but something went wrong on our end.</h1>');
    const found = caller(request, [...READ_ACCOUNTS, 'profile']);
    if ('status' in found) return found;
    const { id, username, displayName } = found.user;
    return json(200, {
      id,
      username,
      acct: username,
      display_name: displayName,
      locked: false,
      bot: false,
      created_at: '2016-11-24T10:02:12.085Z',
      note: '<p></p>',
      url: profileOf(found.user),
      avatar: `${instance}/avatars/original/missing.png`,
      followers_count: 3,
      following_count: 5,
      statuses_count: 42,
      source: { privacy: 'public', sensitive: false, language: '', note: '', fields: [] },
      emojis: [],
      fields: [],
    });
  });

  if (options.userinfo) {
    server.route('GET', '/oauth/userinfo', (request) => {
      server.count('userinfo');
      const found = caller(request, ['profile']);
      if ('status' in found) return found;
      const user = found.user;
      return json(200, {
        sub: actorOf(user),
        name: user.displayName,
        preferred_username: user.username,
        profile: profileOf(user),
        picture: `${instance}/avatars/original/missing.png`,
      });
    });
  }

  server.route('GET', '/api/v1/preferences', (request) => {
    server.count('preferences');
    const found = caller(request, READ_ACCOUNTS);
    if ('status' in found) return found;
    return json(200, { 'posting:default:visibility': 'public', 'posting:default:sensitive': false, 'posting:default:language': null, 'reading:expand:media': 'default', 'reading:expand:spoilers': false });
  });

  server.route('GET', '/.well-known/webfinger', (request) => {
    server.count('webfinger');
    const resource = request.url.searchParams.get('resource');
    if (!resource) return { status: 400 };
    let user: MastodonUser | undefined;
    const acct = /^(?:acct:)?@?([^@\s]+)@([^@\s]+)$/i.exec(resource);
    if (acct) {
      const at = acct[2]!.toLowerCase();
      if (at === domain.toLowerCase() || at === host.toLowerCase()) user = accounts.get(acct[1]!.toLowerCase());
    } else {
      user = [...accounts.values()].find((someone) => resource === actorOf(someone) || resource === profileOf(someone));
    }
    if (!user) return { status: 404 };
    return jrd(`acct:${user.username}@${domain}`, actorOf(user), profileOf(user), instance);
  });

  return {
    ...controls.handle,
    signInAs: (user) => {
      addAccount(user);
      controls.handle.signInAs(user);
    },
    tokenForms,
    revocationForms,
    get apps() {
      return [...apps.values()].filter((app) => app.registered).map(({ clientId, name, redirectUris, scopes, website }) => ({ clientId, name, redirectUris: [...redirectUris], scopes: [...scopes], website }));
    },
    removeApp: (clientId) => {
      if (!apps.delete(clientId)) return false;
      for (const grant of grants.allGrants()) if (grant.clientId === clientId) grants.revokeGrant(grant.id);
      return true;
    },
    addAccount,
    handleOf: (user) => `${user.username}@${domain}`,
    actorOf,
    revokeAppAt: (user) => grants.revokeGrantsOf((someone) => someone.id === user.id),
    failNextVerifyCredentials: profileFailure.queue,
  };
}

/** A JRD as Mastodon answers WebFinger: subject, aliases, the profile page, the actor (`self`) and the remote-follow template. */
function jrd(subject: string, actor: string, profile: string, instance: string): EmulatorReply {
  return json(
    200,
    {
      subject,
      aliases: [profile, actor],
      links: [
        { rel: 'http://webfinger.net/rel/profile-page', type: 'text/html', href: profile },
        { rel: 'self', type: 'application/activity+json', href: actor },
        { rel: 'http://ostatus.org/schema/1.0/subscribe', template: `${instance}/authorize_interaction?uri={uri}` },
      ],
    },
    { 'content-type': 'application/jrd+json; charset=utf-8', vary: 'Accept', 'cache-control': 'max-age=259200, public', 'access-control-allow-origin': '*' },
  );
}

export interface WebfingerHost {
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  /** `127.0.0.1:PORT`: the domain of the handles it answers for, `<username>@<host>`. */
  readonly host: string;
  readonly server: EmulatorServer;
  /** The account `username` is (now) hosted at `instance`, an origin. */
  setTarget(username: string, instance: string): void;
  close(): Promise<void>;
}

/**
 * A handle domain whose accounts live at other instances (Mastodon's
 * `LOCAL_DOMAIN` apart from its `WEB_DOMAIN`): its `/.well-known/webfinger`
 * answers `acct:<username>@<its host>` with the `self` actor at the
 * instance `targets` names for that username (`<instance>/users/<username>`);
 * any other resource is 404, none 400.
 */
export async function startWebfingerHost(targets: Record<string, string>): Promise<WebfingerHost> {
  const server = await startEmulatorServer();
  const host = new URL(server.origin).host;
  const hosted = new Map(Object.entries(targets).map(([username, instance]) => [username.toLowerCase(), { username, instance }]));
  server.route('GET', '/.well-known/webfinger', (request) => {
    server.count('webfinger');
    const resource = request.url.searchParams.get('resource');
    if (!resource) return { status: 400 };
    const acct = /^(?:acct:)?@?([^@\s]+)@([^@\s]+)$/i.exec(resource);
    const target = acct && acct[2]!.toLowerCase() === host.toLowerCase() ? hosted.get(acct[1]!.toLowerCase()) : undefined;
    if (!target) return { status: 404 };
    const instance = target.instance.replace(/\/+$/, '');
    return jrd(`acct:${target.username}@${host}`, `${instance}/users/${target.username}`, `${instance}/@${target.username}`, instance);
  });
  return {
    origin: server.origin,
    host,
    server,
    setTarget: (username, instance) => {
      hosted.set(username.toLowerCase(), { username, instance });
    },
    close: () => server.close(),
  };
}
