import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { TokenkeeperError } from '../../../client/errors.js';
import type { User } from '../../../db/user.repository.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The staff user of an admin request, set by requireStaff; null elsewhere. */
    adminUser: User | null;
  }
}

export const ADMIN_HOME_PATH = '/admin';
export const ADMIN_LOGIN_PATH = '/admin/login';
export const ADMIN_LOGOUT_PATH = '/admin/logout';

/** Routes anyone may reach: the login form itself, and signing out (harmless, and CSRF-checked). */
const OPEN_ROUTES = new Set([ADMIN_LOGIN_PATH, ADMIN_LOGOUT_PATH]);

/** The session's user when they may use the admin site (active staff), else null. */
export function staffUserOf(request: FastifyRequest): User | null {
  const user = request.session?.user ?? null;
  return user !== null && user.isActive && user.isStaff ? user : null;
}

export function adminLoginUrl(next: string): string {
  return `${ADMIN_LOGIN_PATH}?next=${encodeURIComponent(next)}`;
}

/**
 * The staff check of the admin scope, run on every admin route (add it as a
 * preHandler hook of that scope, after sessions and CSRF have run).
 * Signed out: a page request goes to the login form, anything else gets 401.
 * Signed in but inactive or not staff: 403. How the staff user signed in
 * (password or provider) does not matter: the session's user must be staff.
 */
export function requireStaff(): preHandlerAsyncHookHandler {
  return async function requireStaffHook(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    request.adminUser = null;
    // Admin pages show users and tokens: never keep them in a shared or browser cache.
    reply.header('cache-control', 'no-store');
    if (OPEN_ROUTES.has(request.routeOptions.url ?? '')) return undefined;

    // Read together with the session, on this request.
    const user = request.session?.user ?? undefined;
    if (!user) {
      if (request.method === 'GET' || request.method === 'HEAD') {
        return reply.redirect(adminLoginUrl(request.url), 302);
      }
      throw new TokenkeeperError('unauthorized', 'Sign in as a staff user to use the admin site.');
    }
    if (!user.isActive || !user.isStaff) {
      throw new TokenkeeperError('staff_only', 'Staff only: your account may not use the admin site.');
    }
    request.adminUser = user;
    return undefined;
  };
}
