import { createHmac, hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import type { DatabaseSchema, TokenRow } from '../../db/schema.js';
import { findSessionContext, type SessionContext } from '../../db/session-context.js';
import { carryOverSignIns } from '../../db/login-transaction.repository.js';
import { createSession, deleteSession, touchSession, updateSessionData, type SignedInWith } from '../../db/session.repository.js';
import type { User } from '../../db/user.repository.js';
import type { JsonObject } from '../../db/json-column.js';
import { AnonymousCsrf } from './anonymous-csrf.js';

export interface SessionState {
  /** SHA-256 of the cookie secret: what the database stores. */
  id: string;
  userId: string | null;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  /** Small server-side values, e.g. a flash message. */
  data: JsonObject;
  /** The signed-in user as read with the session (null when anonymous); see currentUser for the active check. */
  user: User | null;
  /** The provider whose sign-in made this session, and its own session there; null when none did. */
  signedInWith: SignedInWith | null;
  /**
   * The user's token row (encrypted) for the provider named by the route's
   * `sessionTokenParam`, read with the session: null when the user has none,
   * undefined when the route asked for none.
   */
  token?: TokenRow | null;
}

export interface SessionOptions {
  db: Kysely<DatabaseSchema>;
  /** Whether this request came over https: its cookies are then Secure, with the __Host- prefix (see httpsRequestTest). */
  secure: (request: FastifyRequest) => boolean;
  idleTimeoutSeconds: number;
  maxAgeSeconds: number;
  now: () => number;
  /** SECRET_KEY: signs the returning-user cookie. */
  secretKey: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route parameter that names a provider: the user's token for it is
     * read in the same query as the session (request.session.token).
     */
    sessionTokenParam?: string;
  }
  interface FastifyRequest {
    session: SessionState | null;
  }
  interface FastifyInstance {
    sessions: SessionManager;
  }
}

/** How long a browser remembers who last signed in with it (see returningUserId). */
const RETURNING_MAX_AGE_SECONDS = 365 * 86_400;

/** Touching last_seen_at on every request would be a write per request; a minute is precise enough for an idle timeout. */
const TOUCH_INTERVAL_SECONDS = 60;

/** Cookie secrets hashed lately, at most this many. */
const HASH_MEMO_SIZE = 5_000;
const hashes = new Map<string, string>();

/**
 * The session id for a cookie secret: its SHA-256. Every request needs it,
 * and under load (cold caches) hashing costs 7-9 us, more than the rest of
 * the session lookup, so the hashes of recently seen secrets are kept
 * (oldest out first). They are in this process's memory while their
 * requests are anyway; a flood of made-up cookies only pushes entries out.
 */
function hashSecret(secret: string): string {
  let id = hashes.get(secret);
  if (id === undefined) {
    id = hash('sha256', secret, 'hex');
    if (hashes.size >= HASH_MEMO_SIZE) hashes.delete(hashes.keys().next().value as string);
    hashes.set(secret, id);
  }
  return id;
}

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Server-side sessions. The cookie holds a random secret; the database holds
 * only its hash, so a leaked database gives no usable session. A new id is
 * issued at sign-in and sign-out (no fixation), with idle and absolute timeouts.
 */
export class SessionManager {
  readonly #options: SessionOptions;
  readonly #anonymousCsrf: AnonymousCsrf;

  constructor(options: SessionOptions) {
    this.#options = options;
    this.#anonymousCsrf = new AnonymousCsrf(options.secretKey, options.secure);
  }

  // The __Host- prefix pins the cookie to this origin, https only (RFC 6265bis §4.1.3.2).
  cookieName(request: FastifyRequest): string {
    return this.#options.secure(request) ? '__Host-tokenkeeper_session' : 'tokenkeeper_session';
  }

  returningCookieName(request: FastifyRequest): string {
    return this.#options.secure(request) ? '__Host-tokenkeeper_returning' : 'tokenkeeper_returning';
  }

  /**
   * Who last signed in with this browser, when it is still signed in or has
   * signed out since: a signed user id kept for a year. It is only a hint
   * (whether the next sign-in needs to ask the provider for offline consent
   * again); it grants nothing.
   */
  returningUserId(request: FastifyRequest): string | null {
    if (request.session?.userId) return request.session.userId;
    const value = request.cookies[this.returningCookieName(request)];
    const dot = value?.lastIndexOf('.') ?? -1;
    if (!value || dot <= 0 || value.length > 200) return null;
    const userId = value.slice(0, dot);
    return sameSecret(value.slice(dot + 1), this.#returningSignature(userId)) ? userId : null;
  }

  #returningSignature(userId: string): string {
    return createHmac('sha256', this.#options.secretKey).update(`returning-user:${userId}`).digest('base64url');
  }

  /**
   * The request's session, with the user's token for `tokenProvider` when
   * given. Synchronous when the read is (SQLite) and nothing needs writing;
   * a promise otherwise.
   */
  load(request: FastifyRequest, reply: FastifyReply, tokenProvider?: string): SessionState | null | Promise<SessionState | null> {
    const secret = request.cookies[this.cookieName(request)];
    if (!secret || secret.length > 100) return null;
    const id = hashSecret(secret);
    const found = findSessionContext(this.#options.db, id, tokenProvider);
    return found instanceof Promise ? found.then((context) => this.#open(context, id, reply, tokenProvider)) : this.#open(found, id, reply, tokenProvider);
  }

  /** The session read from the database, checked against its timeouts. */
  #open(found: SessionContext | undefined, id: string, reply: FastifyReply, tokenProvider: string | undefined): SessionState | null | Promise<SessionState | null> {
    const row = found?.session;
    const now = this.#options.now();
    if (!row) {
      this.#clearCookie(reply);
      return null;
    }
    if (row.expiresAt <= now || row.lastSeenAt + this.#options.idleTimeoutSeconds <= now) {
      return deleteSession(this.#options.db, id).then(() => {
        this.#clearCookie(reply);
        return null;
      });
    }
    const state: SessionState = { id, userId: row.userId, csrfToken: row.csrfToken, createdAt: row.createdAt, lastSeenAt: now, data: row.data, user: found.user, signedInWith: row.signedInWith };
    if (tokenProvider !== undefined) state.token = found.token;
    if (now - row.lastSeenAt >= TOUCH_INTERVAL_SECONDS) return touchSession(this.#options.db, id, now).then(() => state);
    return state;
  }

  /**
   * The CSRF token for a form on this page: the session's, or for a visitor
   * without a session one tied to a signed cookie, so an anonymous page
   * (the admin login form) stores no session row per visit.
   */
  formCsrfToken(request: FastifyRequest, reply: FastifyReply): string {
    return request.session?.csrfToken ?? this.#anonymousCsrf.issue(request, reply);
  }

  /** The CSRF token a state-changing request must carry (see formCsrfToken), or null when it can have none. */
  expectedCsrfToken(request: FastifyRequest): string | null {
    return request.session?.csrfToken ?? this.#anonymousCsrf.expected(request);
  }

  /** The current session, creating an anonymous one (for a sign-in in progress) when there is none. */
  async ensure(request: FastifyRequest, reply: FastifyReply): Promise<SessionState> {
    return request.session ?? (await this.#start(request, reply, null));
  }

  /**
   * Replaces whatever session the browser had with a new one for this user
   * (a new id: a session fixed before the sign-in is worth nothing after it).
   * Sign-ins in progress in other tabs carry over (see carryOverSignIns).
   * `signedInWith`: the provider whose sign-in this is, which may end the
   * session from its side (back-channel logout).
   */
  async signIn(request: FastifyRequest, reply: FastifyReply, user: User, signedInWith?: SignedInWith): Promise<SessionState> {
    const previous = request.session;
    reply.setCookie(this.returningCookieName(request), `${user.id}.${this.#returningSignature(user.id)}`, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: this.#options.secure(request),
      maxAge: RETURNING_MAX_AGE_SECONDS,
    });
    const started = await this.#start(request, reply, user, signedInWith);
    if (previous) {
      await carryOverSignIns(this.#options.db, previous.id, started.id);
      await deleteSession(this.#options.db, previous.id);
    }
    return started;
  }

  /** Keeps a one-line message for the next page this session shows (after a redirect). */
  async setFlash(request: FastifyRequest, message: string): Promise<void> {
    if (!request.session) return;
    request.session.data = { ...request.session.data, flash: message.slice(0, 600) };
    await updateSessionData(this.#options.db, request.session.id, request.session.data);
  }

  /** The flash message, removed as it is read. */
  async takeFlash(request: FastifyRequest): Promise<string | null> {
    const flash = request.session?.data.flash;
    if (!request.session || typeof flash !== 'string') return null;
    const { flash: _taken, ...rest } = request.session.data;
    request.session.data = rest;
    await updateSessionData(this.#options.db, request.session.id, rest);
    return flash;
  }

  async destroy(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (request.session) await deleteSession(this.#options.db, request.session.id);
    request.session = null;
    this.#clearCookie(reply);
  }

  async #start(request: FastifyRequest, reply: FastifyReply, user: User | null, signedInWith?: SignedInWith): Promise<SessionState> {
    const userId = user?.id ?? null;
    const secret = randomBytes(32).toString('base64url');
    const now = this.#options.now();
    const session: SessionState = {
      id: hashSecret(secret),
      userId,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now,
      lastSeenAt: now,
      data: {},
      user,
      signedInWith: signedInWith ?? null,
    };
    await createSession(this.#options.db, {
      id: session.id,
      userId,
      csrfToken: session.csrfToken,
      data: {},
      now,
      absoluteExpiresAt: now + this.#options.maxAgeSeconds,
      ...(signedInWith ? { signedInWith } : {}),
    });
    reply.setCookie(this.cookieName(request), secret, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: this.#options.secure(request),
      maxAge: this.#options.maxAgeSeconds,
    });
    request.session = session;
    return session;
  }

  #clearCookie(reply: FastifyReply): void {
    const { request } = reply;
    reply.clearCookie(this.cookieName(request), { path: '/', httpOnly: true, sameSite: 'lax', secure: this.#options.secure(request) });
  }
}

async function sessionsPlugin(app: FastifyInstance, options: SessionOptions): Promise<void> {
  const manager = new SessionManager(options);
  app.decorate('sessions', manager);
  app.decorateRequest('session', null);
  // A callback hook: when the session is read synchronously, no promise is made.
  app.addHook('preHandler', (request, reply, done) => {
    let loaded: ReturnType<SessionManager['load']>;
    try {
      const tokenParam = request.routeOptions.config.sessionTokenParam;
      const tokenProvider = tokenParam === undefined ? undefined : (request.params as Record<string, string | undefined>)[tokenParam];
      loaded = manager.load(request, reply, tokenProvider);
    } catch (error) {
      done(error as Error);
      return;
    }
    if (!(loaded instanceof Promise)) {
      request.session = loaded;
      done();
      return;
    }
    loaded.then((session) => {
      request.session = session;
      done();
    }, done);
  });
}

export default fp(sessionsPlugin, { name: 'tokenkeeper-sessions', dependencies: ['@fastify/cookie'] });
