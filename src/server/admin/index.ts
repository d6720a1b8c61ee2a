import type { FastifyInstance } from 'fastify';
import type { Tokenkeeper } from '../../core/tokenkeeper.js';
import { installAdminErrorPages } from './admin-errors.js';
import { adminAuthRoutes } from './auth/admin-auth.routes.js';
import { requireStaff } from './auth/staff-guard.js';
import { bulkActionRoutes } from './bulk-action.routes.js';
import { adminResourceRoutes } from './resource.routes.js';
import { serviceKeyCreateRoutes } from './resources/service-key-create.routes.js';
import { serviceKeyRotateRoutes } from './resources/service-key-rotate.routes.js';
import { userIdentityRoutes } from './resources/user-identities.routes.js';

/**
 * The admin site under /admin, in its own encapsulated scope: the staff
 * check is a hook of this scope, so it runs on every admin route and on no
 * other. /admin/login and /admin/logout are the only routes it lets through.
 * Its error pages, for staff, are the admin's own (admin-errors.ts).
 */
export async function adminSite(app: FastifyInstance, options: Tokenkeeper & { prefix?: string }): Promise<void> {
  // The options carry the /admin prefix; passed on as they are, nested plugins would add it again.
  const { prefix: _prefix, ...deps } = options;
  app.addHook('preHandler', requireStaff());
  installAdminErrorPages(app);
  await app.register(adminAuthRoutes, deps);
  await app.register(adminResourceRoutes, deps);
  await app.register(bulkActionRoutes, deps);
  await app.register(userIdentityRoutes, deps);
  await app.register(serviceKeyCreateRoutes, deps);
  await app.register(serviceKeyRotateRoutes, deps);
}
