import type { FastifyInstance, FastifyRequest } from 'fastify';
import { adminLayout, type AdminLayoutContext } from './views/admin-layout.js';
import type { SafeHtml } from '../views/html.js';

/** An admin page for the signed-in staff user: the admin layout around `body`, with the flash message left for it, if any. */
export async function page(app: FastifyInstance, request: FastifyRequest, title: string, section: AdminLayoutContext['section'], body: SafeHtml): Promise<string> {
  const admin = request.adminUser;
  const flash = await app.sessions.takeFlash(request);
  return adminLayout({ title, adminName: admin ? (admin.name ?? admin.username) : null, csrfToken: request.session?.csrfToken ?? null, section, flash }, body);
}
