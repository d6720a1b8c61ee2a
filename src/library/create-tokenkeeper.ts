import { randomBytes } from 'node:crypto';
import pino, { type BaseLogger, type Logger } from 'pino';
import { connectOnlyRefusal, finishAuthorization, SIGN_IN_TRANSACTION_TTL_SECONDS, startAuthorization, type CompletedAuthorization, type SignedInIdentity } from '../client/authorization.js';
import { checkedLoginHint } from '../client/login-hint.js';
import { clientJwks, clientMetadataDocument } from '../client/client-metadata.js';
import { NotConnectedError, TokenkeeperError } from '../client/errors.js';
import type { ProviderApiRequest } from '../client/provider-api.js';
import type { RevocationResult } from '../client/revocation.js';
import { parseScope, unionScope } from '../client/scope.js';
import type { TokenEventListener } from '../client/token-events.js';
import type { AccessToken } from '../client/token-manager.js';
import { withDevelopmentSecrets } from '../config/dev-secrets.js';
import { environmentWithDotEnv, type Environment } from '../config/env-file.js';
import { loadConfig } from '../config/config.js';
import { disconnectIdentity, type DisconnectResult } from '../core/connections.js';
import { completeConnectOnlyByExternalId, completeExternalSignIn } from '../core/external-users.js';
import { accessTokenWithin } from '../core/service-api.js';
import { startRefreshKeepalive, type KeepaliveSweepResult } from '../core/refresh-keepalive.js';
import { startApplicationWebhookDelivery } from '../core/webhook-delivery.js';
import { completeLink, completeSignIn, type SignInContext } from '../core/sign-in.js';
import { openTokenkeeper, type CoreConfig, type Tokenkeeper as Application } from '../core/tokenkeeper.js';
import { newId } from '../db/database.js';
import { listConnections as listConnectionPage, type ConnectionPage, type ListedConnection } from '../db/connection-listing.repository.js';
import { findDirectoryUser, findUserIdByExternalId, listDirectoryConnections, type DirectoryConnection, type DirectoryUser } from '../db/service-users.repository.js';
import { claimSignIn } from '../db/sign-in-claim.repository.js';
import { parseEncryptionKeys } from '../db/token-cipher.js';
import { callbackUrlOf, checkFromEnvOptions, configFromOptions, type TokenkeeperOptions } from './options.js';
import { invalidTransaction, TransactionSealer } from './sealed-transaction.js';

// User and Connection are interfaces of their own, not aliases, so that the API reference lists their fields.
/** A Tokenkeeper user: Tokenkeeper's own id, and yours (`externalId`) once resolveUser or the service API gave one. */
export interface User extends DirectoryUser {}
/** One provider a user has connected: the token's metadata, never its value. */
export interface Connection extends DirectoryConnection {}
export type { ListedConnection };

/** Connections read at a time by allConnections, unless told otherwise. */
const PAGE_SIZE = 200;

/** Each connection of each page, asking for the next page once the last one is used up. */
async function* pagesOf(page: (after: string | null) => Promise<ConnectionPage>): AsyncGenerator<ListedConnection> {
  for (let after: string | null = null; ; ) {
    const { connections, next } = await page(after);
    yield* connections;
    if (next === null) return;
    after = next;
  }
}
/** A user by Tokenkeeper's id (a string), or by your own id (`{ externalId }`). */
export type UserRef = string | { externalId: string };

/**
 * Maps the identity that just signed in to your application's user id
 * (create your user here if needed). Tokenkeeper stores it as the user's
 * external id, and every method then takes `{ externalId }`. The same id
 * for two providers makes them one Tokenkeeper user. Null: no mapping.
 */
export type ResolveUser = (identity: SignedInIdentity) => string | null | undefined | Promise<string | null | undefined>;

/** What createTokenkeeper and fromEnv take besides the configuration. */
export interface LibraryOptions {
  resolveUser?: ResolveUser;
  /** A pino logger for token events and failures, such as a Fastify app's `app.log` (default: silent). */
  logger?: LibraryLogger;
}

/**
 * What Tokenkeeper logs through: pino's logging methods and level, which a
 * pino logger has, and a Fastify app's `app.log` (FastifyBaseLogger) too.
 */
export type LibraryLogger = Pick<BaseLogger, 'level' | 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'>;

export interface SignInStartOptions {
  /** Your callback route's absolute URL, exactly as registered at the provider. */
  redirectUri: string;
  /**
   * Kept in the transaction and given back by finish(): where to send the person afterwards. Given back as it came:
   * one taken from the request (`?next=`) goes through `safeNextPath(next, yourOrigin)` first, else a crafted link
   * sends the person to another site after signing in (the Fastify plugin does this itself).
   */
  next?: string;
  /** Ask for this scope on top of the configured one (and of what the user granted already). */
  scope?: string;
  /** The user, if known (signed in to your app): one with a live refresh token is not asked to consent again. */
  user?: UserRef;
  /**
   * Who the person says they are (`login_hint`, OpenID Connect Core §3.1.2.1: an e-mail, a handle), sent to the
   * provider; for `bluesky`, also where they sign in (their account's own authorization server). Blank: none.
   */
  loginHint?: string;
}

export interface StartedSignIn {
  /** Redirect the browser here. */
  url: URL;
  /** Opaque, sealed and valid for 10 minutes: keep it in the session or an HttpOnly cookie, and give it to finish(). */
  transaction: string;
}

export interface SignInResult {
  user: User;
  connection: Connection;
  isNewUser: boolean;
  identity: SignedInIdentity;
  /** The `next` given to start(), if any. */
  next: string | null;
}

export interface AccessTokenOptions {
  /** The token must stay valid at least this many seconds (capped at half its lifetime), or it is refreshed first; a number, 0 or more (else bad_request). */
  minTtlSeconds?: number;
  /** Refresh now, whatever the token's expiry. */
  forceRefresh?: boolean;
  /**
   * The access token an API call just refused (401): refreshed unless another one is stored already (a refresh
   * since, by another caller or server), which is returned instead; never this one again. Callers that each saw
   * it refused make one refresh between them, where forceRefresh makes one each.
   */
  rejectedAccessToken?: string;
}

/**
 * Tokenkeeper in your application: sign-in that stores everything, fresh tokens, and API calls as the user.
 *
 * @example
 * const tokenkeeper = await createTokenkeeper({
 *   database: 'sqlite:./data/app.db',
 *   encryptionKeys: process.env.TOKEN_ENCRYPTION_KEYS!,
 *   providers: { github: { preset: 'github', clientId: process.env.GITHUB_CLIENT_ID!, clientSecret: process.env.GITHUB_CLIENT_SECRET! } },
 * });
 * const repos = await tokenkeeper.fetch({ externalId: 'user-42' }, 'github', '/user/repos');
 * console.log(await repos.json());
 * await tokenkeeper.close();
 */
export interface Tokenkeeper {
  /** The configured providers, for sign-in buttons. */
  readonly providers: ReadonlyArray<{ name: string; displayName: string }>;
  readonly signIn: {
    /**
     * Starts a sign-in (or a connection of another provider): PKCE, state and nonce, sealed into `transaction`.
     *
     * @example
     * // Express: GET /auth/github
     * const { url, transaction } = await tokenkeeper.signIn.start('github', {
     *   redirectUri: 'https://app.example.com/auth/github/callback',
     *   next: '/settings',
     * });
     * res.cookie('tk_sign_in', transaction, { httpOnly: true, secure: true, sameSite: 'lax', maxAge: 600_000 });
     * res.redirect(url.href);
     */
    start(provider: string, options: SignInStartOptions): Promise<StartedSignIn>;
    /**
     * The client metadata document of a provider whose client id is its URL (the bluesky preset, whose `clientId` is
     * where you serve it): serve this JSON there, publicly, with your callback as `redirectUri`. It holds the public
     * key of a private_key_jwt client, never the private one. A `not_found` TokenkeeperError for any other provider.
     *
     * @example
     * // Fastify, with clientId 'https://app.example.com/auth/bluesky/client-metadata.json':
     * app.get('/auth/bluesky/client-metadata.json', () => tokenkeeper.signIn.clientMetadata('bluesky', { redirectUri: 'https://app.example.com/auth/bluesky/callback' }));
     */
    clientMetadata(provider: string, options: { redirectUri: string }): Record<string, unknown>;
    /**
     * The client's public keys as a JWK Set: the key a provider encrypts ID tokens and userinfo answers to
     * (`decryptionKeyFile`) and the key of private_key_jwt. Serve it publicly at the `jwks_uri` registered at the
     * provider; it holds no private key. A `not_found` TokenkeeperError for a provider with neither key.
     *
     * @example
     * app.get('/auth/keycloak/jwks.json', (_request, reply) => reply.type('application/jwk-set+json').send(tokenkeeper.signIn.clientJwks('keycloak')));
     */
    clientJwks(provider: string): { keys: Array<Record<string, unknown>> };
    /**
     * Finishes it at your callback route: every check of the response, the
     * code exchange, then the user (found by the identity, or made), the
     * identity and the encrypted tokens stored in one transaction.
     * `callbackUrl` is the request's URL (a path with its query is enough).
     *
     * @example
     * // Express: GET /auth/github/callback
     * const { user, isNewUser, next } = await tokenkeeper.signIn.finish('github', req.originalUrl, req.cookies.tk_sign_in);
     * res.clearCookie('tk_sign_in');
     * req.session.userId = user.id;
     * res.redirect(next ?? (isNewUser ? '/welcome' : '/'));
     */
    finish(provider: string, callbackUrl: string | URL, transaction: string): Promise<SignInResult>;
  };
  /**
   * The user's access token for `provider`, refreshed first when it is about to expire (one refresh, however many callers).
   *
   * @example
   * const { accessToken, expiresAt } = await tokenkeeper.getAccessToken({ externalId: 'user-42' }, 'google', { minTtlSeconds: 300 });
   * await fetch('https://www.googleapis.com/drive/v3/files', { headers: { authorization: `Bearer ${accessToken}` } });
   */
  getAccessToken(user: UserRef, provider: string, options?: AccessTokenOptions): Promise<AccessToken>;
  /**
   * Calls `path` under the provider's API base as the user: token added, refreshed when needed, retried once after a 401.
   * The answer is undici's WHATWG Response (the same interface as the global one, but `instanceof Response` is false).
   *
   * @example
   * const response = await tokenkeeper.fetch(userId, 'github', '/user/repos?per_page=10');
   * if (response.ok) console.log(await response.json());
   * // A write, with a JSON body:
   * await tokenkeeper.fetch(userId, 'github', '/user/repos', {
   *   method: 'POST',
   *   headers: { 'content-type': 'application/json' },
   *   body: JSON.stringify({ name: 'notes' }),
   * });
   */
  fetch(user: UserRef, provider: string, path: string, init?: ProviderApiRequest): Promise<Response>;
  /** Refreshes now. While the provider is left alone after a failure, throws provider_unavailable (with `retryAfterSeconds`): never the old token as if refreshed. */
  refresh(user: UserRef, provider: string): Promise<AccessToken>;
  /**
   * One keep-alive sweep now, the one this process also runs about hourly
   * unless `refreshKeepalive` is false: every connection whose refresh token
   * would end unused within its window (the end the provider stated, or the
   * provider's idle lifetime since the last refresh) is refreshed, once
   * however many processes sweep. Resolves with how many were due,
   * refreshed, renewed meanwhile elsewhere, and failed (each failure is
   * logged; invalid_grant marks the connection "needs re-auth").
   *
   * @example
   * // From a daily scheduled job, with refreshKeepalive: false:
   * const { refreshed, failed } = await tokenkeeper.keepRefreshTokensAlive();
   */
  keepRefreshTokensAlive(): Promise<KeepaliveSweepResult>;
  /** Revokes the tokens at the provider (when it can) and deletes them; the identity stays linked. */
  revoke(user: UserRef, provider: string): Promise<RevocationResult>;
  /**
   * Revokes and deletes the tokens and unlinks the identity (unless it is the user's only one). An identity whose
   * tokens are gone already (after revoke()) is unlinked all the same (`revokedAtProvider: false`); a provider the
   * user has neither tokens nor a second identity of is not_connected.
   */
  disconnect(user: UserRef, provider: string): Promise<DisconnectResult>;
  /** The user, or undefined. (The other methods throw not_found for a user no one is.) */
  findUser(user: UserRef): Promise<User | undefined>;
  listConnections(user: UserRef): Promise<Connection[]>;
  /**
   * Every connection, of one provider or of all, optionally of one status, with whose it is: for a job that
   * visits everyone connected. Read a page at a time in a fixed order, so each connection that exists throughout
   * comes once, whatever is added or removed meanwhile. `pageSize`: connections read at a time (default 200, at most 1000).
   *
   * @example
   * for await (const connection of tokenkeeper.allConnections({ provider: 'github', status: 'active' })) {
   *   const response = await tokenkeeper.fetch(connection.userId, 'github', '/user/repos');
   *   await syncRepos(connection.externalId ?? connection.userId, await response.json());
   * }
   */
  allConnections(options?: { provider?: string; status?: 'active' | 'needs_reauth'; pageSize?: number }): AsyncIterable<ListedConnection>;
  /**
   * Token events: user.signed_in, token.refreshed, token.refresh_failed, token.needs_reauth, token.revoked. Returns the unsubscribe function.
   * Events of this process only: a refresh another process (a server, a worker) makes is emitted there; for every
   * process's, use webhooks. A listener that throws is reported (the logger, else stderr) and never breaks the caller.
   * An event names Tokenkeeper's user id: findUser(event.userId) gives yours (`externalId`).
   *
   * @example
   * const unsubscribe = tokenkeeper.on((event) => {
   *   if (event.type === 'token.needs_reauth') notifyUser(event.userId, `Please sign in with ${event.provider} again`);
   * });
   * // later:
   * unsubscribe();
   */
  on(listener: TokenEventListener): () => void;
  /** Waits for requests in flight, then closes the provider connections and the database. Every other method throws after it (TokenkeeperError `not_ready`). */
  close(): Promise<void>;
}

const MAX_EXTERNAL_ID_LENGTH = 255;

function checkedRedirectUri(value: unknown): string {
  const url = callbackUrlOf(value);
  if (!url) {
    throw new TokenkeeperError('bad_request', `signIn.start: redirectUri must be the absolute http(s) URL of your callback route, as registered at the provider (got ${JSON.stringify(value)})`);
  }
  return url.href;
}

function checkedExternalId(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_EXTERNAL_ID_LENGTH) {
    throw new TypeError(`resolveUser must return your user's id as a string of 1 to ${MAX_EXTERNAL_ID_LENGTH} characters, or null (got ${typeof value === 'string' ? `${value.length} characters` : typeof value})`);
  }
  return value;
}

/** The library's object over the application layer: the same sign-in, disconnect and token paths as the server's. */
function libraryOver(app: Application<CoreConfig>, options: LibraryOptions): Tokenkeeper {
  const db = app.database.db;
  // With webhooks configured this process sends the outbox too: each message is leased, so never twice with a server.
  const webhookDelivery = startApplicationWebhookDelivery(app);
  // Refreshes under the same lease as every server's: each connection once, however many processes sweep.
  const keepalive = startRefreshKeepalive({
    store: app.tokenStore,
    tokens: app.tokens,
    logger: app.logger,
    now: app.now,
    providers: app.config.providers,
    scheduled: app.config.refreshKeepalive,
  });
  const sealer = new TransactionSealer(parseEncryptionKeys(app.config.tokenEncryptionKeys), app.now);

  /** Tokenkeeper's id of `user`; undefined when an external id is no user's. */
  const knownUserId = async (user: UserRef): Promise<string | undefined> => {
    if (typeof user === 'string') return user;
    if (typeof user?.externalId !== 'string') throw new TypeError('A user is Tokenkeeper\'s user id (a string) or { externalId: "<your id>" }');
    return findUserIdByExternalId(db, user.externalId);
  };
  const userId = async (user: UserRef): Promise<string> => {
    const id = await knownUserId(user);
    if (id === undefined) throw new TokenkeeperError('not_found', 'No user has this external id (resolveUser gives it at their first sign-in).');
    return id;
  };
  let closed = false;
  /**
   * Every method but close() first: after close() the database is gone, and Kysely's own message would not say why.
   * not_ready, as the server answers while it shuts down: a web adapter answers 503, not a 500 for a fault of ours.
   */
  const open = () => {
    if (closed) throw new TokenkeeperError('not_ready', 'This Tokenkeeper was closed (close() was called): open another with createTokenkeeper() or fromEnv() to go on.');
  };
  /** The calls in progress: close() lets them finish before it closes the provider connections and the database under them. */
  const running = new Set<Promise<unknown>>();
  /** Runs `work` as a call in progress, once the object is known open (checked now, before close() can begin). */
  const whileOpen = <T>(work: () => Promise<T>): Promise<T> => {
    let call: Promise<T>;
    try {
      open();
      call = work();
    } catch (error) {
      return Promise.reject(error);
    }
    running.add(call);
    const done = () => running.delete(call);
    call.then(done, done);
    return call;
  };
  let closing: Promise<void> | undefined;
  /**
   * Runs `work` with `user`'s Tokenkeeper id, once the object is known open.
   * "Not connected" for an id no user has is not_found: the likelier mistake
   * is the id (your own id passed as a string rather than as { externalId }).
   * Only a failure reads the users table again.
   */
  const asUser = <T>(user: UserRef, work: (id: string) => Promise<T>): Promise<T> =>
    whileOpen(async () => {
      const id = await userId(user);
      try {
        return await work(id);
      } catch (error) {
        if (error instanceof NotConnectedError && !(await findDirectoryUser(db, id))) throw noUserWithId();
        throw error;
      }
    });
  const connectionOf = async (id: string, provider: string): Promise<Connection | undefined> =>
    (await listDirectoryConnections(db, [id])).get(id)?.find((connection) => connection.provider === provider);

  const start = async (provider: string, startOptions: SignInStartOptions): Promise<StartedSignIn> => {
    const { settings } = app.registry.get(provider);
    const redirectUri = checkedRedirectUri(startOptions?.redirectUri);
    // A provider that registers the app at each server registered the configured callback: the server sends people
    // back to no other.
    const registered = settings.clientRegistration?.redirectUri;
    if (registered !== undefined && redirectUri !== registered) {
      throw new TokenkeeperError('bad_request', `signIn.start: redirectUri must be ${registered}, the callback ${provider} registers at each server (providers.${provider}.redirectUri; got ${JSON.stringify(startOptions.redirectUri)})`);
    }
    if (startOptions.scope !== undefined && parseScope(startOptions.scope) === undefined) {
      throw new TokenkeeperError('invalid_scope', 'signIn.start: scope must be scope tokens separated by spaces (RFC 6749 §3.3).');
    }
    // A user unknown here (a new person of the host app) simply signs in; a connect-only provider needs `user`, whom it is connected to.
    const loginHint = checkedLoginHint(startOptions.loginHint);
    if (settings.connectOnly && startOptions.user === undefined) throw connectOnlyRefusal(settings);
    const knownId = startOptions.user === undefined ? undefined : await knownUserId(startOptions.user);
    if (settings.connectOnly && typeof startOptions.user === 'string' && !(await findDirectoryUser(db, startOptions.user))) throw noUserWithId();
    const granted = knownId === undefined ? null : ((await connectionOf(knownId, provider))?.scope ?? null);
    const started = await startAuthorization(app.registry, provider, redirectUri, {
      hasLiveRefreshToken: knownId !== undefined && settings.refreshTokenNeedsConsent === true && (await app.tokenStore.hasLiveRefreshToken(knownId, provider)),
      ...(startOptions.scope !== undefined ? { incrementalScope: unionScope(granted, settings.scope, startOptions.scope) } : {}),
      ...(loginHint !== undefined ? { loginHint } : {}),
    });
    // A connect-only provider's connection is for the user named (its subject is their id), or, for an external id no
    // user has, for the user finish() makes with it, whose id is chosen now.
    const connecting = !settings.connectOnly
      ? {}
      : knownId !== undefined
        ? { connectingUserId: knownId }
        : { connectingUserId: newId(), connectingExternalId: (startOptions.user as { externalId: string }).externalId };
    return { url: started.authorizationUrl, transaction: await sealer.seal({ ...started.transaction, ...connecting, next: startOptions.next ?? null }) };
  };

  /** The user who signed in: found or made by the identity, or by the external id resolveUser gives it. */
  const signedInUser = async (context: SignInContext, completed: CompletedAuthorization): Promise<{ user: { id: string }; created: boolean }> => {
    const externalId = options.resolveUser ? checkedExternalId(await options.resolveUser(completed.identity)) : null;
    return externalId === null ? completeSignIn(context, completed) : completeExternalSignIn(context, completed, externalId);
  };
  /** The user a connect-only provider was connected to (start's `user`), who must still be active. */
  const connectedUser = async (context: SignInContext, completed: CompletedAuthorization, id: string): Promise<{ user: { id: string }; created: boolean }> => {
    await completeLink(context, completed, id);
    return { user: { id }, created: false };
  };
  const finish = async (provider: string, callbackUrl: string | URL, transaction: string): Promise<SignInResult> => {
    const { displayName } = app.registry.get(provider).settings;
    const opened = await sealer.open(transaction, provider);
    const { next, connectingExternalId: _externalId, ...authorization } = opened;
    // Single use, across servers: a replayed or repeated callback is refused before its code reaches the provider.
    if (!(await claimSignIn(db, authorization.state, app.now() + SIGN_IN_TRANSACTION_TTL_SECONDS, app.now()))) throw invalidTransaction();
    try {
      const completed = await finishAuthorization(app.registry, authorization, new URL(callbackUrl, authorization.redirectUri).searchParams, app.now);
      const context = { db, tokenStore: app.tokenStore, now: app.now(), ip: null, displayName, webhooks: app.webhooks };
      const { user, created } =
        opened.connectingExternalId !== undefined
          ? await completeConnectOnlyByExternalId(context, completed, opened.connectingExternalId).then(({ userId: id, created: made }) => ({ user: { id }, created: made }))
          : authorization.connectingUserId !== undefined
            ? await connectedUser(context, completed, authorization.connectingUserId)
            : await signedInUser(context, completed);
      await app.tokens.emit({ type: 'user.signed_in', userId: user.id, provider, created });
      app.metrics.signIn(provider, created ? 'new_user' : 'ok');
      const [found, connection] = await Promise.all([findDirectoryUser(db, user.id), connectionOf(user.id, provider)]);
      return { user: found!, connection: connection!, isNewUser: created, identity: completed.identity, next };
    } catch (error) {
      app.metrics.signIn(provider, error instanceof TokenkeeperError ? error.code : 'internal_error');
      throw error;
    }
  };

  const getAccessToken = (user: UserRef, provider: string, tokenOptions: AccessTokenOptions = {}): Promise<AccessToken> =>
    asUser(user, async (id) => {
      // NaN (Number() of an unset variable) compares false with every expiry: each call would refresh at the provider.
      const { minTtlSeconds } = tokenOptions;
      if (minTtlSeconds !== undefined && (typeof minTtlSeconds !== 'number' || !Number.isFinite(minTtlSeconds) || minTtlSeconds < 0)) {
        throw new TokenkeeperError('bad_request', `getAccessToken: minTtlSeconds must be a number of seconds, 0 or more (got ${typeof minTtlSeconds === 'number' ? String(minTtlSeconds) : typeof minTtlSeconds}).`);
      }
      const { rejectedAccessToken } = tokenOptions;
      if (rejectedAccessToken !== undefined && (typeof rejectedAccessToken !== 'string' || rejectedAccessToken === '')) {
        throw new TokenkeeperError('bad_request', 'getAccessToken: rejectedAccessToken must be the access token the API refused, a non-empty string.');
      }
      return minTtlSeconds === undefined && !tokenOptions.forceRefresh && rejectedAccessToken === undefined
        ? app.tokens.getAccessToken(id, provider)
        : accessTokenWithin(app.tokens, id, provider, (await app.tokenStore.findToken(id, provider)) ?? null, tokenOptions);
    });

  return {
    providers: app.registry.list().map((settings) => ({ name: settings.name, displayName: settings.displayName })),
    signIn: {
      start: (provider, startOptions) => whileOpen(() => start(provider, startOptions)),
      finish: (provider, callbackUrl, transaction) => whileOpen(() => finish(provider, callbackUrl, transaction)),
      clientMetadata: (provider, { redirectUri }) => clientMetadataDocument(app.registry.get(provider).settings, checkedRedirectUri(redirectUri)),
      clientJwks: (provider) => clientJwks(app.registry.get(provider).settings),
    },
    getAccessToken,
    fetch: (user, provider, path, init) => asUser(user, (id) => app.providerApi.fetch(id, provider, path, init)),
    refresh: (user, provider) => asUser(user, (id) => app.tokens.refresh(id, provider, { force: true })),
    keepRefreshTokensAlive: () => whileOpen(() => keepalive.sweep()),
    revoke: (user, provider) => asUser(user, (id) => app.tokens.revoke(id, provider)),
    disconnect: (user, provider) =>
      whileOpen(() => {
        app.registry.get(provider);
        return asUser(user, (id) => disconnectIdentity({ db, tokens: app.tokens, now: app.now, ip: null }, id, provider));
      }),
    findUser: (user) =>
      whileOpen(async () => {
        const id = await knownUserId(user);
        return id === undefined ? undefined : findDirectoryUser(db, id);
      }),
    allConnections: (listing = {}) => {
      open();
      const providers = listing.provider === undefined ? app.registry.names : [app.registry.get(listing.provider).settings.name];
      const limit = listing.pageSize ?? PAGE_SIZE;
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new TokenkeeperError('bad_request', `pageSize must be a whole number from 1 to 1000 (got ${String(listing.pageSize)}).`);
      return pagesOf((after) => whileOpen(() => listConnectionPage(db, { providers, ...(listing.status ? { status: listing.status } : {}), ...(after ? { after } : {}), limit })));
    },
    listConnections: (user) =>
      whileOpen(async () => {
        const id = await userId(user);
        const connections = (await listDirectoryConnections(db, [id])).get(id);
        if (connections === undefined && !(await findDirectoryUser(db, id))) throw noUserWithId();
        return connections ?? [];
      }),
    on: (listener) => (open(), app.tokens.on(listener)),
    close: () =>
      (closing ??= (async () => {
        closed = true;
        // The calls already made finish first: cut off, a refresh could lose the rotated refresh token the provider just sent.
        while (running.size > 0) await Promise.allSettled([...running]);
        await keepalive.stop();
        await webhookDelivery?.stop();
        await app.close();
      })()),
  };
}

function noUserWithId(): TokenkeeperError {
  return new TokenkeeperError('not_found', 'No user has this id. Your own id for a user goes as { externalId: "…" }; a string is Tokenkeeper\'s id.');
}

/**
 * The host's logger as the pino Logger the application layer takes: a pino
 * logger as it is; one with pino's methods only (another implementation of
 * FastifyBaseLogger) given the one more method used, isLevelEnabled, from its
 * level. One without a level (a Fastify app's app.log with logging off) logs
 * nothing: a failing listener then goes to stderr, as with none. None: silent.
 */
function loggerOf(logger: LibraryLogger | undefined): Logger {
  if (logger === undefined) return pino({ level: 'silent' });
  if (typeof (logger as Partial<Logger>).isLevelEnabled === 'function') return logger as Logger;
  const rank = (level: unknown) => (typeof level !== 'string' || level === 'silent' ? Number.POSITIVE_INFINITY : (pino.levels.values[level] ?? 0));
  return Object.assign(Object.create(logger) as Logger, {
    isLevelEnabled: (level: string) => typeof logger.level === 'string' && rank(level) >= rank(logger.level),
  });
}

/**
 * Opens Tokenkeeper in your application: checks every option (a ConfigError
 * names the first bad one), opens the database and applies its migrations.
 *
 * @example
 * const tokenkeeper = await createTokenkeeper({
 *   database: 'sqlite:./data/app.db',
 *   encryptionKeys: process.env.TOKEN_ENCRYPTION_KEYS!,
 *   providers: { github: { preset: 'github', clientId: '…', clientSecret: '…' } },
 *   // null: no user of yours yet (no e-mail given): the person gets a Tokenkeeper user without an external id.
 *   resolveUser: (identity) => (identity.email ? myUsers.findOrCreateByEmail(identity.email).id : null),
 * });
 */
export async function createTokenkeeper(options: TokenkeeperOptions & LibraryOptions): Promise<Tokenkeeper> {
  const config = configFromOptions(options);
  const app = await openTokenkeeper({ config, logger: loggerOf(options.logger), migrate: options.migrate ?? true });
  return libraryOver(app, options);
}

export interface FromEnvOptions extends LibraryOptions {
  /** Default: process.env, over a `.env` file in `cwd`. */
  env?: Environment;
  /** The folder whose `.env`, `./data` (generated keys) and relative SQLite path are used: one that exists (else a ConfigError). Default: process.cwd(). */
  cwd?: string;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
}

/**
 * Opens Tokenkeeper from the variables `tokenkeeper serve` reads
 * (DATABASE_URL, TOKEN_ENCRYPTION_KEYS, OAUTH_PROVIDERS, `<NAME>_…`), with
 * the same development defaults: the keys generated into ./data, and the
 * local dev provider as `toolkit` when OAUTH_PROVIDERS is unset. A server
 * and your code on the same database and keys share users and tokens.
 *
 * @example
 * // A worker beside `tokenkeeper serve`, with its environment (or .env):
 * // DATABASE_URL, TOKEN_ENCRYPTION_KEYS, OAUTH_PROVIDERS=github, GITHUB_PRESET=github, GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET
 * const tokenkeeper = await fromEnv();
 * for (const connection of await tokenkeeper.listConnections(userId)) {
 *   const { accessToken } = await tokenkeeper.getAccessToken(userId, connection.provider);
 *   await syncAccount(connection.provider, accessToken);
 * }
 * await tokenkeeper.close();
 */
export async function fromEnv(options: FromEnvOptions = {}): Promise<Tokenkeeper> {
  // Before anything is read or generated into ./data.
  checkFromEnvOptions(options);
  const cwd = options.cwd ?? process.cwd();
  // Your application's environment and .env, which hold its own variables too: a `<NAME>_…` one that is none of
  // Tokenkeeper's settings is not refused here, as `tokenkeeper serve` refuses it in its own .env.
  const env = environmentWithDotEnv(cwd, options.env ?? process.env);
  // SECRET_KEY signs the server's sessions, which the library has none of: a worker need not be given it.
  const loaded = loadConfig(withDevelopmentSecrets({ ...env, SECRET_KEY: env.SECRET_KEY?.trim() || randomBytes(32).toString('base64url') }, cwd), cwd);
  // A relative SQLite path (the default sqlite:./data/tokenkeeper.db) is read in cwd, beside the keys generated into
  // cwd/data: a `fromEnv({ cwd })` run from another folder opens the database its keys go with. The folder is given
  // apart from the URL, so that only what the user wrote is checked for `$NAME` and `~`.
  const app = await openTokenkeeper({ config: loaded, logger: loggerOf(options.logger), migrate: options.migrate ?? true, databaseFolder: cwd });
  return libraryOver(app, options);
}
