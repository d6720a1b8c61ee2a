import type { FastifyInstance } from 'fastify';
import type { ErrorCode } from '../../client/error-codes.js';
import { TokenkeeperError } from '../../client/errors.js';
import { wantsJson } from '../error-handler.js';
import { requireStaff, staffUserOf } from './auth/staff-guard.js';
import { adminLayout } from './views/admin-layout.js';
import { adminErrorPage, type PageLink } from './views/error-page.js';

const BACK_TO_DASHBOARD: PageLink = { href: '/admin', label: 'Back to the dashboard' };

/** A refusal of an admin request that knows which admin page its error page leads back to (the object's page, or the list). */
export class AdminRefusal extends TokenkeeperError {
  readonly back: PageLink;

  constructor(code: ErrorCode, message: string, back: PageLink) {
    super(code, message);
    this.back = back;
  }
}

/**
 * Error pages of the admin scope: a refusal shown to staff (404, 403, 409…)
 * keeps the admin's navigation and leads back into the admin, not to the
 * public start page. Anything else (a signed-out or non-staff visitor, a
 * JSON client, a 5xx, Fastify's own 4xx) goes on to the app's error handler,
 * which also logs the unexpected ones.
 */
export function installAdminErrorPages(app: FastifyInstance): void {
  app.setErrorHandler(async (error, request, reply) => {
    // The session's user: a hook of the app (the CSRF check) may refuse the request before the staff guard has run.
    const admin = request.adminUser ?? staffUserOf(request);
    if (!(error instanceof TokenkeeperError) || error.status >= 500 || admin === null || wantsJson(request)) throw error;
    request.log.info({ code: error.code }, error.message);
    const back = error instanceof AdminRefusal ? error.back : BACK_TO_DASHBOARD;
    const page = adminLayout(
      { title: 'Error', adminName: admin.name ?? admin.username, csrfToken: request.session?.csrfToken ?? null, section: null },
      adminErrorPage(error.message, back),
    );
    return reply.code(error.status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page);
  });
  // An address under /admin that no route takes (a GET of an action's URL): the staff guard first, then the admin's 404.
  app.setNotFoundHandler({ preHandler: requireStaff() }, async () => {
    throw new TokenkeeperError('not_found', 'There is no such admin page.');
  });
}
