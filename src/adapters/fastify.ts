/**
 * Tokenkeeper in a Fastify 5 application (`tokenkeeper/fastify`): the
 * sign-in routes over a Tokenkeeper object — start, callback, disconnect —
 * with the sealed sign-in transaction kept in an HttpOnly cookie of its
 * own, so the host needs no session store of ours and no cookie plugin.
 * The host keeps its own session: onSignIn says who signed in, currentUser
 * says who is signed in.
 *
 * @packageDocumentation
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ProviderUnavailableError, TokenkeeperError, UnknownProviderError } from '../client/errors.js';
import { formPostParameters, formPostRelayPage, isRelayedFormPost } from '../client/form-post-relay.js';
import { safeNextPath } from '../client/safe-next.js';
import type { SignInResult, Tokenkeeper, UserRef } from '../library/create-tokenkeeper.js';
import { DATABASE_UNAVAILABLE_ANSWER, isDatabaseUnavailable } from '../library/database-unavailable.js';
import { SIGN_IN_TRANSACTION_TTL_SECONDS } from '../client/authorization.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The Tokenkeeper object given to the plugin, for the host's own routes (`app.tokenkeeper.fetch(…)`). */
    tokenkeeper: Tokenkeeper;
  }
}

export interface TokenkeeperPluginOptions {
  /** What createTokenkeeper() or fromEnv() returned. The plugin does not close it: the host does, after `app.close()`. */
  tokenkeeper: Tokenkeeper;
  /** The application's public origin (`https://app.example.com`): redirect URIs are `<baseUrl><prefix>/<provider>/callback`. */
  baseUrl: string;
  /** Where the routes live (default `/auth`), under the prefix the plugin is registered in. */
  prefix?: string;
  /**
   * Called after a sign-in was stored: set the host's session for
   * `result.user` here, and answer as a Fastify handler does (`return
   * reply.redirect(…)`, or return a payload). Returning nothing and sending
   * nothing (only the session set) leaves the answer to the plugin, as
   * without onSignIn: a 303 to `result.next` or `/`. `result.next` is a
   * same-origin path or null.
   */
  onSignIn?(request: FastifyRequest, reply: FastifyReply, result: SignInResult): unknown;
  /**
   * The host's signed-in user, if any. Disconnect needs one; a sign-in
   * started by a signed-in user is not asked to consent again while a
   * refresh token is live.
   */
  currentUser?(request: FastifyRequest): UserRef | null | undefined | Promise<UserRef | null | undefined>;
  /**
   * Answers every error of the plugin's routes instead of the default:
   * a TokenkeeperError as its HTTP status with `{ error, message }` JSON,
   * a database that did not answer as 503 `not_ready` with Retry-After,
   * anything else as a logged 500 `internal_error`.
   */
  onError?(error: unknown, request: FastifyRequest, reply: FastifyReply): unknown;
}

interface ProviderRoute {
  Params: { provider: string };
  Querystring: { next?: unknown };
}

const PLUGIN = 'tokenkeeper/fastify';
const PREFIX = /^(?:\/[A-Za-z0-9._~-]+)*$/;
const FORM = 'application/x-www-form-urlencoded';
/** A disconnect form carries `next` at most; anything bigger is not ours. */
const FORM_BODY_LIMIT = 8 * 1024;

function checkedOptions(options: TokenkeeperPluginOptions): { origin: URL; prefix: string } {
  const bad = (option: string, problem: string) => new TypeError(`${PLUGIN}: option ${option} ${problem}`);
  if (typeof options?.tokenkeeper?.signIn?.start !== 'function') throw bad('tokenkeeper', 'must be the object createTokenkeeper() or fromEnv() returns');
  let origin: URL;
  try {
    origin = new URL(options.baseUrl);
  } catch (error) {
    throw Object.assign(bad('baseUrl', `must be the application's public origin, such as https://app.example.com (got ${JSON.stringify(options.baseUrl)})`), { cause: error });
  }
  if ((origin.protocol !== 'https:' && origin.protocol !== 'http:') || origin.pathname !== '/' || origin.search || origin.hash) {
    throw bad('baseUrl', `must be an http(s) origin without a path, such as https://app.example.com (got ${JSON.stringify(options.baseUrl)})`);
  }
  const prefix = options.prefix ?? '/auth';
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) throw bad('prefix', `must be a path such as /auth, without a trailing slash (got ${JSON.stringify(prefix)})`);
  for (const hook of ['onSignIn', 'currentUser', 'onError'] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== 'function') throw bad(hook, 'must be a function');
  }
  return { origin, prefix };
}

/** `value` when it is a path on our origin, else null: a `next` that would leave the site is ignored, not followed. */
function sameOriginPath(value: unknown, origin: URL): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const path = safeNextPath(value, origin);
  // safeNextPath answers `/` for anything unsafe; only a `next` that really was `/` stays.
  return path === '/' && value !== '/' ? null : path;
}

/** The cookie `name`'s value in a Cookie header (RFC 6265 §5.4: the longest path comes first), if any. */
function readCookie(header: string | undefined, name: string): string | undefined {
  for (const pair of header?.split(';') ?? []) {
    const equals = pair.indexOf('=');
    if (equals !== -1 && pair.slice(0, equals).trim() === name) return pair.slice(equals + 1).trim();
  }
  return undefined;
}

/**
 * Appends one Set-Cookie header; Fastify keeps several, and @fastify/cookie,
 * when the host has it, adds its own to ours.
 */
function setCookie(reply: FastifyReply, name: string, value: string, attributes: { path: string; maxAge: number; secure: boolean }): void {
  const parts = [`${name}=${value}`, `Path=${attributes.path}`, `Max-Age=${attributes.maxAge}`, 'HttpOnly', 'SameSite=Lax'];
  if (attributes.secure) parts.push('Secure');
  reply.header('set-cookie', parts.join('; '));
}

/** A form field, whichever parser read the body: ours or @fastify/formbody's (an object), or a host's URLSearchParams. */
function formField(body: unknown, name: string): unknown {
  if (body instanceof URLSearchParams) return body.get(name) ?? undefined;
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}

/** A browser asking for JSON only (fetch with `Accept: application/json`), not a form submission. */
function acceptsJsonOnly(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return /\bapplication\/json\b/i.test(accept) && !/\btext\/html\b/i.test(accept);
}

/**
 * A state-changing request must come from our own pages: a browser names
 * the page's origin in `Origin` and says in `Sec-Fetch-Site` whether it is
 * ours (Fetch Metadata). `same-site` is refused too: a sibling subdomain is
 * another application. A request with neither header is not a browser's.
 */
function refuseCrossSite(request: FastifyRequest, origin: URL): void {
  const from = request.headers.origin;
  const site = request.headers['sec-fetch-site'];
  if ((from !== undefined && from !== origin.origin) || site === 'cross-site' || site === 'same-site') {
    throw new TokenkeeperError('csrf_failed', 'This request came from another site.');
  }
}

function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof TokenkeeperError) {
    if (error instanceof ProviderUnavailableError && error.retryAfterSeconds !== null) reply.header('retry-after', String(error.retryAfterSeconds));
    return reply.code(error.status).send({ error: error.code, message: error.message });
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, `${PLUGIN}: ${request.method} ${request.routeOptions.url}: the database did not answer`);
    const { retryAfterSeconds, message } = DATABASE_UNAVAILABLE_ANSWER;
    return reply.code(503).header('retry-after', String(retryAfterSeconds)).send({ error: 'not_ready', message });
  }
  // Not ours to explain: the detail goes to the log, never to the browser.
  request.log.error({ err: error }, `${PLUGIN}: ${request.method} ${request.routeOptions.url} failed`);
  return reply.code(500).send({ error: 'internal_error', message: 'Something went wrong on our side; the log has the details.' });
}

const tokenkeeperRoutes: FastifyPluginAsync<TokenkeeperPluginOptions> = async (fastify, options) => {
  // Fastify's own refusal of the second `tokenkeeper` decorator would name neither the plugin nor the way out.
  if (fastify.hasDecorator('tokenkeeper')) {
    throw new Error(
      `${PLUGIN}: the plugin is registered already in this app, and it can be registered once per app. ` +
        'For several providers, register it once with a Tokenkeeper object that names them all: its routes serve each (<prefix>/:provider/login).',
    );
  }
  const { origin, prefix } = checkedOptions(options);
  const { tokenkeeper } = options;
  const knownProviders = new Set(tokenkeeper.providers.map((provider) => provider.name));
  // The routes' public path: a host may register the plugin in a scope with a prefix of its own.
  const publicPrefix = `${fastify.prefix}${prefix}`;
  const secure = origin.protocol === 'https:';

  fastify.decorate('tokenkeeper', tokenkeeper);

  const providerOf = (request: FastifyRequest<ProviderRoute>): string => {
    const { provider } = request.params;
    // Checked before anything uses the name: it becomes part of a cookie's name and a redirect URI.
    if (!knownProviders.has(provider)) throw new UnknownProviderError(provider);
    return provider;
  };
  const callbackPath = (provider: string) => `${publicPrefix}/${provider}/callback`;
  // One cookie per provider: sign-ins with two providers in two tabs do not overwrite each other. Over https it is
  // __Host- (RFC 6265bis §4.1.3.2), which a sibling subdomain cannot set: one it could (Domain=the parent) would
  // plant its own transaction and finish the sign-in as its own account in this browser (login CSRF). __Host- needs
  // Path=/; over http, where any cookie can be planted anyway, it goes to its provider's callback only.
  const cookieName = (provider: string) => `${secure ? '__Host-' : ''}tokenkeeper_sign_in_${provider}`;
  const cookiePath = (provider: string) => (secure ? '/' : callbackPath(provider));
  const currentUser = async (request: FastifyRequest) => (await options.currentUser?.(request)) ?? undefined;

  /** Runs a route's steps, sending any error through onError or as `{ error, message }`. */
  const answering =
    (steps: (request: FastifyRequest<ProviderRoute>, reply: FastifyReply) => Promise<unknown>) =>
    async (request: FastifyRequest<ProviderRoute>, reply: FastifyReply): Promise<unknown> => {
      try {
        return await steps(request, reply);
      } catch (error) {
        return options.onError ? options.onError(error, request, reply) : sendError(error, request, reply);
      }
    };

  // The routes get a scope of their own, so that the form parser below stays out of the host's routes.
  await fastify.register(async (routes) => {
    if (!routes.hasContentTypeParser(FORM)) {
      routes.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      });
    }

    // The client metadata document of a provider whose client id is its URL (bluesky: set clientId to this route's URL).
    routes.get<ProviderRoute>(`${prefix}/:provider/client-metadata.json`, answering(async (request, reply) => {
      const provider = providerOf(request);
      const document = tokenkeeper.signIn.clientMetadata(provider, { redirectUri: new URL(callbackPath(provider), origin).href });
      return reply.header('cache-control', 'public, max-age=600').send(document);
    }));

    // The client's public keys (a decryption key's, private_key_jwt's): the jwks_uri to register at the provider.
    routes.get<ProviderRoute>(`${prefix}/:provider/jwks.json`, answering(async (request, reply) => {
      const jwks = tokenkeeper.signIn.clientJwks(providerOf(request));
      return reply.header('cache-control', 'public, max-age=600').type('application/jwk-set+json').send(jwks);
    }));

    // A HEAD (a link checker's) must neither start nor use up a sign-in.
    routes.get<ProviderRoute>(`${prefix}/:provider/login`, { exposeHeadRoute: false }, answering(async (request, reply) => {
      const provider = providerOf(request);
      const next = sameOriginPath(request.query.next, origin);
      const user = await currentUser(request);
      const loginHint = (request.query as { login_hint?: unknown }).login_hint;
      const started = await tokenkeeper.signIn.start(provider, {
        redirectUri: new URL(callbackPath(provider), origin).href,
        ...(next !== null ? { next } : {}),
        // Checked by signIn.start: one printable text, or a 400.
        ...(loginHint !== undefined ? { loginHint: loginHint as string } : {}),
        ...(user !== undefined ? { user } : {}),
      });
      setCookie(reply, cookieName(provider), started.transaction, { path: cookiePath(provider), maxAge: SIGN_IN_TRANSACTION_TTL_SECONDS, secure });
      reply.header('cache-control', 'no-store');
      return reply.redirect(started.url.href, 303);
    }));

    /** Finishes the sign-in with the provider's answer, given as the callback URL with its query. */
    const finish = async (request: FastifyRequest<ProviderRoute>, reply: FastifyReply, provider: string, callbackUrl: string) => {
      const transaction = readCookie(request.headers.cookie, cookieName(provider));
      // Used once, whatever the outcome: a failed sign-in starts again from the login route.
      setCookie(reply, cookieName(provider), '', { path: cookiePath(provider), maxAge: 0, secure });
      // This URL holds the code and state: no page it answers with (an error, the host's own) may pass it on as a Referer.
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      // No cookie (another browser, expired, used already) is refused by finish() as invalid_state.
      const finished = await tokenkeeper.signIn.finish(provider, callbackUrl, transaction ?? '');
      // Checked again: the host's own code may have started this sign-in with a next of its choosing.
      const result = { ...finished, next: sameOriginPath(finished.next, origin) };
      if (options.onSignIn) {
        const answer = await options.onSignIn(request, reply, result);
        // Where Fastify would send an empty 200 for a handler that returned and sent nothing, the default answer instead.
        if (answer !== undefined || reply.sent || reply.raw.headersSent) return answer;
      }
      return reply.redirect(result.next ?? '/', 303);
    };

    routes.get<ProviderRoute>(`${prefix}/:provider/callback`, { exposeHeadRoute: false }, answering(async (request, reply) => finish(request, reply, providerOf(request), request.url)));

    // response_mode=form_post (Sign in with Apple): posted from the provider's site, the answer comes without the
    // sign-in cookie, so it is posted again from this site first (client/form-post-relay.ts). The state does the
    // work of a CSRF check here.
    routes.post<ProviderRoute>(`${prefix}/:provider/callback`, answering(async (request, reply) => {
      const provider = providerOf(request);
      const parameters = formPostParameters(request.body);
      if (readCookie(request.headers.cookie, cookieName(provider)) === undefined && !isRelayedFormPost(request.body)) {
        const page = formPostRelayPage(callbackPath(provider), parameters);
        return reply.header('content-security-policy', page.contentSecurityPolicy).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page.html);
      }
      return finish(request, reply, provider, `${callbackPath(provider)}?${parameters}`);
    }));

    routes.post<ProviderRoute>(`${prefix}/:provider/disconnect`, answering(async (request, reply) => {
      const provider = providerOf(request);
      refuseCrossSite(request, origin);
      const user = await currentUser(request);
      if (user === undefined) throw new TokenkeeperError('unauthorized', 'Sign in first.');
      const result = await tokenkeeper.disconnect(user, provider);
      if (acceptsJsonOnly(request)) return reply.send({ revoked: result.revokedAtProvider, unlinked: result.unlinked });
      const next = sameOriginPath(formField(request.body, 'next'), origin) ?? sameOriginPath(request.query.next, origin);
      return reply.redirect(next ?? '/', 303);
    }));
  });
};

/**
 * Sign-in with Tokenkeeper's providers in a Fastify 5 application:
 *
 * - `GET <prefix>/:provider/login?next=/path` starts a sign-in (303 to the
 *   provider), keeping the sealed transaction in an HttpOnly cookie for ten
 *   minutes; `next` is kept when it is a path on this site.
 * - `GET <prefix>/:provider/callback` finishes it (the user, identity and
 *   encrypted tokens stored), then calls onSignIn. `POST` does the same for a
 *   provider that answers with `response_mode=form_post` (Sign in with
 *   Apple): posted from the provider's site without the sign-in cookie, it
 *   first answers with a page that posts it again from this site.
 * - `POST <prefix>/:provider/disconnect` revokes and deletes the signed-in
 *   user's tokens for the provider and unlinks it; 303 to `next` or `/`,
 *   or `{ revoked, unlinked }` to a request that accepts JSON only.
 *   Refused from other sites (403 csrf_failed) and without a user (401).
 *
 * The instance is decorated with `tokenkeeper`, so the plugin is registered
 * once per app: one registration serves every provider of its Tokenkeeper.
 *
 * @example
 * import { randomUUID } from 'node:crypto';
 * import Fastify from 'fastify';
 * import { fromEnv } from 'tokenkeeper';
 * import { tokenkeeperPlugin } from 'tokenkeeper/fastify';
 *
 * // Your users and sessions (in memory here): your user id by e-mail, and by session id.
 * const userIds = new Map<string, string>();
 * const sessions = new Map<string, string>();
 *
 * const app = Fastify();
 * const tokenkeeper = await fromEnv({
 *   // Your id for the person, made at their first sign-in; without a verified e-mail, none (null).
 *   resolveUser: ({ email, emailVerified }) => {
 *     if (email === null || emailVerified !== true) return null;
 *     const id = userIds.get(email) ?? randomUUID();
 *     userIds.set(email, id);
 *     return id;
 *   },
 * });
 * await app.register(tokenkeeperPlugin, {
 *   tokenkeeper,
 *   baseUrl: 'https://app.example.com',
 *   onSignIn: (request, reply, { user, next }) => {
 *     // externalId: your id, as resolveUser gave it (null when it gave none).
 *     if (user.externalId === null) return reply.code(403).send('Sign in with an account that has a verified e-mail address.');
 *     const sessionId = randomUUID();
 *     sessions.set(sessionId, user.externalId);
 *     reply.header('set-cookie', `sid=${sessionId}; Path=/; HttpOnly; Secure; SameSite=Lax`);
 *     return reply.redirect(next ?? '/', 303);
 *   },
 *   currentUser: (request) => {
 *     const sessionId = /(?:^|;\s*)sid=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
 *     const userId = sessionId === undefined ? undefined : sessions.get(sessionId);
 *     return userId === undefined ? undefined : { externalId: userId };
 *   },
 * });
 * // <a href="/auth/github/login?next=/settings">Sign in with GitHub</a>
 * app.addHook('onClose', () => tokenkeeper.close());
 */
export const tokenkeeperPlugin = fp(tokenkeeperRoutes, { name: 'tokenkeeper', fastify: '5.x' });

export default tokenkeeperPlugin;
