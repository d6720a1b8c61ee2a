import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { writeAuditEvent } from '../../../db/audit.repository.js';
import { findUserById, findUserCredentials, recordLogin, setPassword, type User } from '../../../db/user.repository.js';
import type { Tokenkeeper } from '../../../core/tokenkeeper.js';
import { safeNextPath } from '../../../client/safe-next.js';
import { adminLayout } from '../views/admin-layout.js';
import { adminLoginPage, type AdminLoginForm } from './login-page.js';
import { LoginThrottle } from './login-throttle.js';
import { hashPassword, passwordHashNeedsUpgrade, verifyPassword } from './passwords.js';
import { ADMIN_HOME_PATH, ADMIN_LOGIN_PATH, ADMIN_LOGOUT_PATH } from './staff-guard.js';

/** Failed password checks per client IP, and per username, per minute; the next attempt gets 429. */
export const ADMIN_LOGIN_ATTEMPTS_PER_MINUTE = 10;
const TOO_MANY_FAILURES = 'Too many failed sign-in attempts: wait a minute and try again.';

const WRONG_CREDENTIALS = 'Wrong username or password, or this account may not use the admin site.';
/** Usernames are at most 150 characters (createsuperuser); longer input is not looked up, nor stored whole in the audit log. */
const MAX_USERNAME_LENGTH = 150;

type FailureReason = 'unknown_user' | 'no_password' | 'wrong_password' | 'inactive' | 'not_staff';

/** Where to go after staff sign-in: a same-origin path under /admin (never the login or logout route), else /admin. */
export function adminNextPath(next: unknown, baseUrl: URL): string {
  const path = safeNextPath(next, baseUrl);
  const pathname = path.split(/[?#]/, 1)[0] ?? '';
  const underAdmin = pathname === ADMIN_HOME_PATH || pathname.startsWith(`${ADMIN_HOME_PATH}/`);
  if (!underAdmin || pathname === ADMIN_LOGIN_PATH || pathname === ADMIN_LOGOUT_PATH) return ADMIN_HOME_PATH;
  return path;
}

function field(source: unknown, name: string): string | undefined {
  const value = source && typeof source === 'object' ? (source as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function sendLoginPage(reply: FastifyReply, status: number, form: AdminLoginForm): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(adminLayout({ title: 'Staff sign-in', adminName: null, csrfToken: null, section: null }, adminLoginPage(form)));
}

function failureReason(credentials: { user: User; passwordHash: string | null } | undefined, matches: boolean): FailureReason | null {
  if (!credentials) return 'unknown_user';
  if (credentials.passwordHash === null) return 'no_password';
  if (!matches) return 'wrong_password';
  if (!credentials.user.isActive) return 'inactive';
  if (!credentials.user.isStaff) return 'not_staff';
  return null;
}

/**
 * GET/POST /login and POST /logout of the admin site. Register it inside the
 * /admin scope. It is wrapped with fastify-plugin so its routes join that
 * scope (and its staff guard) directly: a `prefix` in the options, as when
 * the scope passes on its own options, is then ignored rather than doubled.
 */
async function adminAuthRoutesPlugin(app: FastifyInstance, deps: Tokenkeeper): Promise<void> {
  const { db } = deps.database;
  app.decorateRequest('adminUser', null);

  // Unknown users and users without a password are checked against this hash, so a
  // failed attempt takes as long whether or not the username exists. Made now, not at
  // the first such attempt, which would otherwise take twice as long.
  const dummyHash = hashPassword(randomBytes(16).toString('base64'));
  const throttle = new LoginThrottle({ maxFailures: ADMIN_LOGIN_ATTEMPTS_PER_MINUTE, windowSeconds: 60, now: deps.now });

  app.get('/login', async (request, reply) => {
    const next = adminNextPath(field(request.query, 'next'), deps.config.baseUrl);
    const signedIn = request.session?.userId ? await findUserById(db, request.session.userId) : undefined;
    if (signedIn?.isActive && signedIn.isStaff) return reply.redirect(next, 303);
    // An anonymous visitor's token lives in a signed cookie: showing the form stores nothing.
    return sendLoginPage(reply, 200, { csrfToken: app.sessions.formCsrfToken(request, reply), next, username: '', error: null });
  });

  app.post(
    '/login',
    async (request, reply) => {
      const username = (field(request.body, 'username') ?? '').trim();
      const password = field(request.body, 'password') ?? '';
      const next = adminNextPath(field(request.body, 'next'), deps.config.baseUrl);

      // Only password checks count, so a request the CSRF check refused never locks anyone out.
      // Per username whether or not it exists, so a 429 does not tell which do.
      const usable = username !== '' && username.length <= MAX_USERNAME_LENGTH;
      const throttleKeys = [`ip:${request.ip}`, ...(usable ? [`user:${username.normalize('NFC').toLowerCase()}`] : [])];
      const wait = throttle.retryAfter(throttleKeys);
      if (wait > 0) {
        request.log.info({ retryAfter: wait }, 'admin sign-in throttled');
        reply.header('retry-after', String(wait));
        return sendLoginPage(reply, 429, { csrfToken: app.sessions.formCsrfToken(request, reply), next, username: username.slice(0, MAX_USERNAME_LENGTH), error: TOO_MANY_FAILURES });
      }
      const notFailed = throttle.begin(throttleKeys);

      const credentials = usable ? await findUserCredentials(db, username) : undefined;
      const storedHash = credentials?.passwordHash ?? null;
      // Always one scrypt, whatever is wrong, so timing does not tell which usernames exist.
      const matches = await verifyPassword(password, storedHash ?? (await dummyHash));
      if (matches && storedHash !== null) notFailed();
      const reason = failureReason(credentials, matches);
      const now = deps.now();

      if (reason !== null || !credentials || storedHash === null) {
        await writeAuditEvent(db, {
          event: 'admin.sign_in_failed',
          actorUserId: null,
          targetType: credentials ? 'user' : null,
          targetId: credentials?.user.id ?? null,
          ip: request.ip,
          // The username as typed, never the password.
          detail: { username: username.slice(0, MAX_USERNAME_LENGTH), reason: reason ?? 'unknown_user' },
          at: now,
        });
        request.log.info({ reason }, 'admin sign-in failed');
        return sendLoginPage(reply, 401, { csrfToken: app.sessions.formCsrfToken(request, reply), next, username: username.slice(0, MAX_USERNAME_LENGTH), error: WRONG_CREDENTIALS });
      }

      const { user } = credentials;
      // A new session id at sign-in: whatever id the browser had before is worthless (no fixation).
      await app.sessions.signIn(request, reply, user);
      await recordLogin(db, user.id, now);
      if (passwordHashNeedsUpgrade(storedHash)) await setPassword(db, user.id, await hashPassword(password));
      await writeAuditEvent(db, {
        event: 'admin.signed_in',
        actorUserId: user.id,
        targetType: 'user',
        targetId: user.id,
        ip: request.ip,
        detail: { username: user.username, method: 'password' },
        at: now,
      });
      return reply.redirect(next, 303);
    },
  );

  app.post('/logout', async (request, reply) => {
    const userId = request.session?.userId ?? null;
    await app.sessions.destroy(request, reply);
    if (userId !== null) {
      await writeAuditEvent(db, { event: 'admin.signed_out', actorUserId: userId, targetType: 'user', targetId: userId, ip: request.ip, at: deps.now() });
    }
    return reply.redirect(ADMIN_LOGIN_PATH, 303);
  });
}

export const adminAuthRoutes = fp(adminAuthRoutesPlugin, {
  name: 'tokenkeeper-admin-auth',
  fastify: '5.x',
  dependencies: ['tokenkeeper-sessions', 'tokenkeeper-csrf'],
});
