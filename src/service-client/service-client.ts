import { AccessTokenCache, type AccessToken, type TokenRequest } from './access-token-cache.js';
import { ServiceApiConnectionError, ServiceApiError } from './service-api-error.js';

/** A user: Tokenkeeper's id for them, or yours (`external_id`, set with `setExternalId` or through a connect link). */
export type UserRef = string | { externalId: string };

export interface ServiceClientOptions {
  /** Tokenkeeper's address, its BASE_URL (`https://accounts.example.com`); the API is under `/api/v1` there. */
  baseUrl: string | URL;
  /** A service key (`tks_…`) from `tokenkeeper services create` or the admin site. */
  key: string;
  /** The fetch to use (default: the global one), e.g. one with a proxy agent or instrumentation. */
  fetch?: typeof fetch;
  /**
   * How long to wait for an answer, in milliseconds (default 30 000, the
   * provider timeout's order of magnitude: a token call may wait for a
   * refresh at the provider). For `proxy`, until the answer's headers: the
   * body then takes as long as it takes. Past it, a ServiceApiConnectionError
   * with reason `timeout`.
   */
  timeoutMs?: number;
  /** How many users' and providers' tokens `accessToken` keeps at most (default 10 000); the least recently used go first. */
  maxCachedTokens?: number;
}

export interface AccessTokenOptions {
  /**
   * The token must have more than this many seconds left (default 60): a
   * kept one with less is asked for again, and the server refreshes one that
   * has less (capping this at half the token's lifetime, so 5-minute tokens
   * are not refreshed on every call).
   */
  minTtlSeconds?: number;
  /** Refresh at the provider even though the token is fresh. Prefer `rejectedAccessToken` after a 401. */
  forceRefresh?: boolean;
  /**
   * The token the provider's API just refused (401): it is dropped here, and
   * the server refreshes it unless it holds a newer one already, which you
   * get instead. Concurrent callers here that saw the same token refused
   * share one request; callers everywhere make one refresh between them.
   */
  rejectedAccessToken?: string;
}

/** A user's connection to a provider; never a token value. */
export interface ServiceConnection {
  provider: string;
  /** The user's id at the provider; null when the identity is no longer linked. */
  subject: string | null;
  status: 'active' | 'needs_reauth';
  scope: string | null;
  /** When the access token expires (epoch seconds); null: no expiry given. */
  expiresAt: number | null;
  lastRefreshedAt: number | null;
  hasRefreshToken: boolean;
  /** When the refresh token expires, after which the person must connect again; null: the provider gave no expiry. */
  refreshTokenExpiresAt: number | null;
}

/** A user with their connections (only those of the providers the key may use). */
export interface ServiceUser {
  id: string;
  externalId: string | null;
  username: string;
  email: string | null;
  /** Whether the provider that gave `email` said it verified it; null when it did not say. Only a verified address tells who someone is. */
  emailVerified: boolean | null;
  name: string | null;
  isActive: boolean;
  connections: ServiceConnection[];
}

/** A connection of `listConnections`, with whose it is. */
export interface ListedServiceConnection extends ServiceConnection {
  userId: string;
  externalId: string | null;
  /** false: the user is deactivated, and their tokens are not handed out. */
  userIsActive: boolean;
}

export interface ConnectionPage {
  connections: ListedServiceConnection[];
  /** Give it as `cursor` for the next page; null: this was the last. */
  nextCursor: string | null;
}

export interface ListConnectionsOptions {
  provider?: string;
  status?: 'active' | 'needs_reauth';
  /** `nextCursor` of the page before; leave it out for the first. */
  cursor?: string;
  /** Connections per page, 1 to 500 (default 100). */
  limit?: number;
}

/** One way to find users: your id for them, an e-mail address (any case; may match several), or their identity at a provider. */
export type UserLookup = { externalId: string } | { email: string } | { provider: string; subject: string };

export interface ConnectLinkOptions {
  provider: string;
  /**
   * Whom the link is for. By id: the browser must be signed in as that user
   * (signed out, the person signs in first). By `{ externalId }`: the user who
   * has it, or, when no one does, whoever signs in at the provider gets it.
   */
  user: UserRef;
  /** Where the browser goes afterwards, with `status=connected` or `status=error&error=<code>`: an origin CONNECT_RETURN_ORIGINS allows. */
  returnTo: string;
  /** More scope to ask for, space-separated, on top of what is granted. */
  scope?: string;
}

export interface ConnectLink {
  /** Send the person's browser here; it works once. */
  url: string;
  /** When it stops working (epoch seconds). */
  expiresAt: number;
}

/** A typed client of Tokenkeeper's service API (/api/v1), made by {@link createServiceClient}. */
export interface ServiceClient {
  /**
   * The user's access token for `provider`, with more than `minTtlSeconds`
   * (default 60) left. Kept in this process and reused while it has; calls
   * for the same user and provider while a request is out share it.
   * `{ externalId }` is looked up first (permission `connections:read`, on
   * top of `tokens:read`), on each request the cache does not answer.
   *
   * @throws ServiceApiError `needs_reauth` (with `reconnectUrl`), `not_connected`, `account_inactive`, a provider fault (502, 503, 504)…
   */
  accessToken(user: UserRef, provider: string, options?: AccessTokenOptions): Promise<AccessToken>;
  /**
   * Drops the token kept for the user and provider, under their id and under each `{ externalId }` it was asked
   * for by: after a `connection.revoked` or `connection.needs_reauth` webhook, say, whose `data.user_id` it takes.
   */
  forgetAccessToken(user: UserRef, provider: string): void;
  /** Users matching one lookup (at most 100, oldest first); an empty list when none does. */
  findUsers(lookup: UserLookup): Promise<ServiceUser[]>;
  /** @throws ServiceApiError `not_found` when no user is (or none the key's providers reach). */
  getUser(user: UserRef): Promise<ServiceUser>;
  /** Sets your id for the user (null clears it). @throws ServiceApiError `external_id_taken` when another user has it. */
  setExternalId(user: UserRef, externalId: string | null): Promise<ServiceUser>;
  /** Revokes the user's tokens at the provider, then deletes them; `revoked`: whether the provider confirmed. Forgets the kept token. */
  disconnect(user: UserRef, provider: string): Promise<{ revoked: boolean }>;
  /** A single-use link (15 minutes) for a person to connect a provider, or grant it more scope. */
  createConnectLink(options: ConnectLinkOptions): Promise<ConnectLink>;
  /** A page of every connection (of one provider, one status); follow `nextCursor`, or use `connections()`. */
  listConnections(options?: ListConnectionsOptions): Promise<ConnectionPage>;
  /** Every connection, page after page: each one that exists throughout comes once, whatever is added or removed meanwhile. */
  connections(options?: Omit<ListConnectionsOptions, 'cursor'>): AsyncGenerator<ListedServiceConnection>;
  /**
   * Calls the provider's API as the user through Tokenkeeper's proxy:
   * `path` (and query) under the provider's API base, as written. Resolves
   * with the API's answer, whatever its status (a 401 there is the API's,
   * after Tokenkeeper's refresh and retry); Tokenkeeper's own refusals
   * (`needs_reauth`, a bad key…) throw a ServiceApiError instead.
   */
  proxy(user: UserRef, provider: string, path: string, init?: RequestInit): Promise<Response>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MIN_TTL_SECONDS = 60;

type Json = Record<string, any>;

function connectionOf(json: Json): ServiceConnection {
  return {
    provider: json.provider,
    subject: json.subject,
    status: json.status,
    scope: json.scope,
    expiresAt: json.expires_at,
    lastRefreshedAt: json.last_refreshed_at,
    hasRefreshToken: json.has_refresh_token,
    refreshTokenExpiresAt: json.refresh_token_expires_at,
  };
}

function userOf(json: Json): ServiceUser {
  return {
    id: json.id,
    externalId: json.external_id,
    username: json.username,
    email: json.email,
    emailVerified: json.email_verified,
    name: json.name,
    isActive: json.is_active,
    connections: (json.connections as Json[]).map(connectionOf),
  };
}

function retryAfterOf(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  return value !== null && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** Our error of an answer that is not a success: the server's `{ error, message }`, or `invalid_response` for anything else. */
function errorOf(response: Response, text: string): ServiceApiError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const retryAfterSeconds = retryAfterOf(response);
  if (typeof body === 'object' && body !== null && typeof (body as Json).error === 'string' && typeof (body as Json).message === 'string') {
    const { error, message, reconnect_url: reconnectUrl } = body as Json;
    return new ServiceApiError(response.status, error, message, { ...(typeof reconnectUrl === 'string' ? { reconnectUrl } : {}), ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) });
  }
  return new ServiceApiError(response.status, 'invalid_response', `Tokenkeeper's service API answered HTTP ${response.status} without its JSON error: is baseUrl Tokenkeeper's address?`, retryAfterSeconds === undefined ? {} : { retryAfterSeconds });
}

const userKey = (user: UserRef) => (typeof user === 'string' ? `id:${user}` : `external:${user.externalId}`);

/**
 * A client of Tokenkeeper's service API for a backend in Node: typed
 * methods over `/api/v1` with a service key, access tokens kept in this
 * process and shared between concurrent callers, and errors as
 * {@link ServiceApiError} (the server's answer) or
 * {@link ServiceApiConnectionError} (no answer). It uses Node's fetch alone.
 *
 * @example
 * import { createServiceClient, ServiceApiError } from 'tokenkeeper/service-client';
 *
 * const tokenkeeper = createServiceClient({ baseUrl: 'https://accounts.example.com', key: process.env.TOKENKEEPER_KEY! });
 * const { accessToken } = await tokenkeeper.accessToken({ externalId: 'cus_123' }, 'github');
 * const repos = await fetch('https://api.github.com/user/repos', { headers: { authorization: `Bearer ${accessToken}` } });
 * if (repos.status === 401) await tokenkeeper.accessToken({ externalId: 'cus_123' }, 'github', { rejectedAccessToken: accessToken });
 */
export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const base = new URL(String(options.baseUrl));
  const api = `${base.origin}${base.pathname.replace(/\/+$/, '')}/api/v1`;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const cache = new AccessTokenCache(options.maxCachedTokens ?? 10_000, () => Math.floor(Date.now() / 1000));
  if (!options.key) throw new TypeError('createServiceClient: key is required (a service key, tks_…)');

  /**
   * Sends a request; `read` runs on the answer within the timeout. The
   * caller's own signal, when it aborts, ends the request with its reason,
   * as fetch does.
   */
  async function send<T>(path: string, init: RequestInit, read: (response: Response) => Promise<T>): Promise<T> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout.signal]) : timeout.signal;
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${options.key}`);
    try {
      const response = await fetchImpl(`${api}${path}`, { ...init, headers, signal });
      return await read(response);
    } catch (error) {
      if (error instanceof ServiceApiError) throw error;
      if (init.signal?.aborted) throw init.signal.reason;
      if (timeout.signal.aborted) throw new ServiceApiConnectionError('timeout', `Tokenkeeper's service API did not answer within ${timeoutMs} ms (${init.method ?? 'GET'} ${path.split('?')[0]})`, error);
      const reason = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      throw new ServiceApiConnectionError('network', `Could not reach Tokenkeeper's service API at ${api}${reason}`, error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A JSON call: the parsed answer, or its error thrown. */
  function call(method: string, path: string, body?: unknown): Promise<Json> {
    const init: RequestInit = { method, headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) } };
    if (body !== undefined) init.body = JSON.stringify(body);
    return send(path, init, async (response) => {
      const text = await response.text();
      if (!response.ok) throw errorOf(response, text);
      try {
        return JSON.parse(text) as Json;
      } catch {
        throw new ServiceApiError(response.status, 'invalid_response', `Tokenkeeper's service API answered HTTP ${response.status} with something else than JSON: is baseUrl Tokenkeeper's address?`);
      }
    });
  }

  const userPath = (id: string) => `/users/${encodeURIComponent(id)}`;
  const connectionPath = (id: string, provider: string) => `${userPath(id)}/connections/${encodeURIComponent(provider)}`;

  async function findUsers(lookup: UserLookup): Promise<ServiceUser[]> {
    const query = new URLSearchParams(
      'externalId' in lookup ? { external_id: lookup.externalId } : 'email' in lookup ? { email: lookup.email } : { provider: lookup.provider, subject: lookup.subject },
    );
    return ((await call('GET', `/users?${query}`)).users as Json[]).map(userOf);
  }

  /** The user of `{ externalId }` (its lookup), or a 404 as the server answers for an id no user has. */
  async function userByExternalId(externalId: string): Promise<ServiceUser> {
    const [user] = await findUsers({ externalId });
    if (!user) throw new ServiceApiError(404, 'not_found', `No user has external_id "${externalId}" (that this key's providers reach).`);
    return user;
  }

  const idOf = async (user: UserRef) => (typeof user === 'string' ? user : (await userByExternalId(user.externalId)).id);

  async function askForToken(user: UserRef, provider: string, request: TokenRequest): Promise<AccessToken> {
    const body = {
      min_ttl_seconds: request.minTtlSeconds,
      ...(request.forceRefresh ? { force_refresh: true } : {}),
      ...(request.rejectedAccessToken === undefined ? {} : { rejected_access_token: request.rejectedAccessToken }),
    };
    const id = await idOf(user);
    if (typeof user !== 'string') remember(tokenKey(user, provider), id);
    const token = await call('POST', `${connectionPath(id, provider)}/access-token`, body);
    return { accessToken: token.access_token, tokenType: token.token_type, expiresAt: token.expires_at, scope: token.scope };
  }

  async function listConnections(listOptions: ListConnectionsOptions = {}): Promise<ConnectionPage> {
    const query = new URLSearchParams();
    if (listOptions.provider !== undefined) query.set('provider', listOptions.provider);
    if (listOptions.status !== undefined) query.set('status', listOptions.status);
    if (listOptions.cursor !== undefined) query.set('cursor', listOptions.cursor);
    if (listOptions.limit !== undefined) query.set('limit', String(listOptions.limit));
    const page = await call('GET', `/connections${query.size > 0 ? `?${query}` : ''}`);
    return {
      connections: (page.connections as Json[]).map((json) => ({ userId: json.user_id, externalId: json.external_id, userIsActive: json.user_is_active, ...connectionOf(json) })),
      nextCursor: page.next_cursor,
    };
  }

  const tokenKey = (user: UserRef, provider: string) => `${userKey(user)}\n${provider}`;
  const maxCachedTokens = options.maxCachedTokens ?? 10_000;
  /** The user id each `{ externalId }` key was found to be, so forgetting a user's token by id forgets it under their external id too. */
  const idsOfExternalKeys = new Map<string, string>();
  function remember(key: string, id: string): void {
    idsOfExternalKeys.delete(key);
    idsOfExternalKeys.set(key, id);
    for (const oldest of idsOfExternalKeys.keys()) {
      if (idsOfExternalKeys.size <= maxCachedTokens) break;
      idsOfExternalKeys.delete(oldest);
    }
  }
  /** Forgets the user's token for the provider under any reference: by id, and by each external id found to be theirs. */
  function forget(user: UserRef, provider: string, id: string | undefined = typeof user === 'string' ? user : idsOfExternalKeys.get(tokenKey(user, provider))): void {
    cache.forget(tokenKey(user, provider));
    if (id === undefined) return;
    cache.forget(tokenKey(id, provider));
    for (const [key, knownId] of idsOfExternalKeys) if (knownId === id && key.endsWith(`\n${provider}`)) cache.forget(key);
  }

  return {
    accessToken(user, provider, tokenOptions = {}) {
      const request: TokenRequest = {
        minTtlSeconds: tokenOptions.minTtlSeconds ?? DEFAULT_MIN_TTL_SECONDS,
        forceRefresh: tokenOptions.forceRefresh ?? false,
        ...(tokenOptions.rejectedAccessToken === undefined ? {} : { rejectedAccessToken: tokenOptions.rejectedAccessToken }),
      };
      return cache.get(tokenKey(user, provider), request, (asked) => askForToken(user, provider, asked));
    },

    forgetAccessToken(user, provider) {
      forget(user, provider);
    },

    findUsers,

    async getUser(user) {
      return typeof user === 'string' ? userOf(await call('GET', userPath(user))) : userByExternalId(user.externalId);
    },

    async setExternalId(user, externalId) {
      return userOf(await call('PATCH', userPath(await idOf(user)), { external_id: externalId }));
    },

    async disconnect(user, provider) {
      const id = await idOf(user);
      try {
        const answer = await call('DELETE', connectionPath(id, provider));
        return { revoked: answer.revoked as boolean };
      } finally {
        // The tokens are gone (or were not there), under whichever reference they were kept.
        forget(user, provider, id);
      }
    },

    async createConnectLink({ provider, user, returnTo, scope }) {
      const link = await call('POST', '/connect-links', {
        provider,
        ...(typeof user === 'string' ? { user_id: user } : { external_id: user.externalId }),
        return_to: returnTo,
        ...(scope === undefined ? {} : { scope }),
      });
      return { url: link.url, expiresAt: link.expires_at };
    },

    listConnections,

    async *connections(listOptions = {}) {
      let cursor: string | undefined;
      do {
        const page = await listConnections({ ...listOptions, ...(cursor === undefined ? {} : { cursor }) });
        yield* page.connections;
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
    },

    async proxy(user, provider, path, init = {}) {
      const id = await idOf(user);
      // A streamed request body needs half-duplex fetch (Node's undici refuses one without).
      const duplex = typeof ReadableStream !== 'undefined' && init.body instanceof ReadableStream ? { duplex: 'half' } : {};
      return send(`${connectionPath(id, provider)}/proxy/${path.replace(/^\/+/, '')}`, { ...init, ...duplex } as RequestInit, async (response) => {
        // The API's answers carry Tokenkeeper-Upstream: true, whatever their status; an error without it is ours.
        if (response.headers.get('tokenkeeper-upstream') === 'true' || response.ok) return response;
        throw errorOf(response, await response.text());
      });
    },
  };
}
