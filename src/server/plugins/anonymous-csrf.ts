import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** What the cookie holds: 32 random bytes, base64url. Anything else is ignored. */
const NONCE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The CSRF token of a visitor who has no session (the admin login form), so
 * that showing a form stores nothing: the "signed double-submit cookie" of
 * the OWASP CSRF Prevention Cheat Sheet. The cookie holds a random nonce; the
 * form carries HMAC(SECRET_KEY, nonce), which only this server can compute,
 * so a token fits only the browser that holds its nonce. On https the
 * __Host- prefix keeps other hosts from planting the cookie (RFC 6265bis §4.1.3.2).
 */
export class AnonymousCsrf {
  readonly #secretKey: string;
  readonly #secure: (request: FastifyRequest) => boolean;

  constructor(secretKey: string, secure: (request: FastifyRequest) => boolean) {
    this.#secretKey = secretKey;
    this.#secure = secure;
  }

  cookieName(request: FastifyRequest): string {
    return this.#secure(request) ? '__Host-tokenkeeper_csrf' : 'tokenkeeper_csrf';
  }

  /** The token a form of this page carries, setting the cookie when the browser has none yet. */
  issue(request: FastifyRequest, reply: FastifyReply): string {
    let nonce = this.#nonce(request);
    if (nonce === null) {
      nonce = randomBytes(32).toString('base64url');
      // No Max-Age: it lasts while the browser runs, like the form it serves.
      reply.setCookie(this.cookieName(request), nonce, { path: '/', httpOnly: true, sameSite: 'lax', secure: this.#secure(request) });
    }
    return this.#token(nonce);
  }

  /** The token a state-changing request of this browser must carry, or null when it has no cookie. */
  expected(request: FastifyRequest): string | null {
    const nonce = this.#nonce(request);
    return nonce === null ? null : this.#token(nonce);
  }

  #nonce(request: FastifyRequest): string | null {
    const value = request.cookies[this.cookieName(request)];
    return value !== undefined && NONCE.test(value) ? value : null;
  }

  #token(nonce: string): string {
    return createHmac('sha256', this.#secretKey).update(`anonymous-csrf:${nonce}`).digest('base64url');
  }
}
