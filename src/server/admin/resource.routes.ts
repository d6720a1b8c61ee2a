import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TokenkeeperError } from '../../client/errors.js';
import { adminCounts } from '../../db/admin-lists.js';
import { listAuditForAdmin } from '../../db/audit-list.js';
import type { Tokenkeeper } from '../../core/tokenkeeper.js';
import { fromAnotherSite } from '../fetch-metadata.js';
import { AdminRefusal } from './admin-errors.js';
import { page } from './admin-page.js';
import { listHref, parseListQuery } from './list-query.js';
import { auditAction, executeAction, refusalOf } from './action-runner.js';
import { adminContextOf, isConfirmed, type AnyAdminResource } from './resource.js';
import { adminResources } from './resources/index.js';
import { auditEntries } from './views/audit-object.js';
import { confirmPage } from './views/confirm-page.js';
import type { PageLink } from './views/error-page.js';
import { dashboardPage } from './views/dashboard-page.js';
import { detailPage } from './views/detail-page.js';
import { listPage, pageCount } from './views/list-page.js';


/** Links to a resource's list and to one of its objects: for breadcrumbs, and an error page's way back. */
const listLink = (resource: AnyAdminResource): PageLink => ({ href: `/admin/${resource.name}`, label: resource.label });
const objectLink = (resource: AnyAdminResource, row: unknown): PageLink => ({
  href: `/admin/${resource.name}/${encodeURIComponent(resource.idOf(row))}`,
  label: resource.titleOf(row),
});
const backTo = (link: PageLink): PageLink => ({ href: link.href, label: `Back to ${link.label}` });

function resourceNamed(name: string): AnyAdminResource {
  const resource = adminResources.find((candidate) => candidate.name === name);
  if (!resource) throw new TokenkeeperError('not_found', 'There is no such admin page.');
  return resource;
}

/** The dashboard and, for every declared resource, its list, detail and action routes. */
export async function adminResourceRoutes(app: FastifyInstance, deps: Tokenkeeper): Promise<void> {
  app.get('/', async (request, reply) => {
    const context = adminContextOf(request, deps);
    const [counts, recent] = await Promise.all([adminCounts(deps.database.db, context.now), listAuditForAdmin(deps.database.db, { offset: 0, limit: 15, count: false })]);
    const entries = await auditEntries(deps.database.db, recent.rows);
    return reply.type('text/html; charset=utf-8').send(await page(app, request, 'Dashboard', 'dashboard', dashboardPage(counts, entries, context.now)));
  });

  app.get<{ Params: { resource: string } }>('/:resource', async (request, reply) => {
    const resource = resourceNamed(request.params.resource);
    const context = adminContextOf(request, deps);
    const filterOptions: Record<string, ReadonlyArray<{ value: string; label: string }>> = {};
    for (const filter of resource.filters) filterOptions[filter.key] = typeof filter.options === 'function' ? await filter.options(context) : filter.options;
    const allowed = Object.fromEntries(Object.entries(filterOptions).map(([key, options]) => [key, new Set(options.map((o) => o.value))]));
    const { query, wellFormed } = parseListQuery(resource, request.query as Record<string, unknown>, allowed);
    // The page shown is the one its URL names: a malformed parameter is dropped by a redirect, the others kept.
    if (!wellFormed) return reply.redirect(listHref(resource, query, {}), 302);
    const { rows, total, totalIsLowerBound = false } = await resource.list(query, context);
    // A page past the end (a list that shrank since its link was made) is the last page.
    const pages = pageCount(total, query.pageSize);
    if (query.page > pages) return reply.redirect(listHref(resource, query, { page: pages }), 302);
    return reply
      .type('text/html; charset=utf-8')
      .send(await page(app, request, resource.label, resource.name as never, listPage({ resource, query, rows, total, totalIsLowerBound, filterOptions, context })));
  });

  app.get<{ Params: { resource: string; id: string } }>('/:resource/:id', async (request, reply) => {
    const resource = resourceNamed(request.params.resource);
    const context = adminContextOf(request, deps);
    const row = await resource.find(request.params.id, context);
    if (row === undefined) throw new AdminRefusal('not_found', `No such ${resource.singular}.`, backTo(listLink(resource)));
    const related = resource.related ? await resource.related(row, context) : null;
    return reply.type('text/html; charset=utf-8').send(await page(app, request, resource.titleOf(row), resource.name as never, detailPage(resource, row, related, context)));
  });

  type ActionParams = { resource: string; id: string; action: string };
  /** The resource, object and action an action's address names, or the 404 that answers it. */
  const actionNamed = async (request: FastifyRequest<{ Params: ActionParams }>) => {
    const resource = resourceNamed(request.params.resource);
    const context = adminContextOf(request, deps);
    const row = await resource.find(request.params.id, context);
    if (row === undefined) throw new AdminRefusal('not_found', `No such ${resource.singular}.`, backTo(listLink(resource)));
    const object = objectLink(resource, row);
    const action = resource.actions.find((candidate) => candidate.name === request.params.action);
    if (!action) throw new AdminRefusal('not_found', 'There is no such action.', backTo(object));
    return { resource, context, row, action, object, path: `${object.href}/${encodeURIComponent(action.name)}` };
  };

  // "Are you sure?" before a dangerous action: shown by a GET (the unconfirmed post redirects here), so that Back
  // returns to it without the browser offering to send the form again. Showing it does nothing and audits nothing.
  app.get<{ Params: ActionParams }>('/:resource/:id/:action', async (request, reply) => {
    const { resource, context, row, action, object, path } = await actionNamed(request);
    if (!action.dangerous) throw new AdminRefusal('not_found', 'There is no such page: this action asks nothing first.', backTo(object));
    // Only this site's own pages lead here (the 303 after the admin's post): a link from another site would land
    // the admin on a question already asked, one click from "Yes". It gets the object's page instead.
    if (fromAnotherSite(request)) return reply.redirect(object.href, 303);
    const refusal = refusalOf(resource, action, row, context);
    if (refusal) throw new AdminRefusal(refusal.code, refusal.message, backTo(object));
    const confirmation = confirmPage({
      crumbs: [listLink(resource), object],
      consequence: action.consequence(row, context),
      path,
      action,
      backHref: object.href,
      csrfToken: request.session?.csrfToken ?? '',
    });
    return reply.type('text/html; charset=utf-8').send(await page(app, request, `${action.label}: ${resource.titleOf(row)}`, resource.name as never, confirmation));
  });

  app.post<{ Params: ActionParams }>('/:resource/:id/:action', async (request, reply) => {
    const { resource, context, row, action, object, path } = await actionNamed(request);
    const id = resource.idOf(row);
    /** Back to the object's page (to the list when the action removed it), `message` shown there. */
    const backWith = async (message: string) => {
      const stillThere = await resource.find(id, context);
      await app.sessions.setFlash(request, message);
      return reply.redirect(stillThere === undefined ? `/admin/${resource.name}` : object.href, 303);
    };
    const refusal = refusalOf(resource, action, row, context);
    if (refusal?.code === 'superuser_only') await auditAction(resource, action, row, context, '_denied', { code: refusal.code });
    if (refusal) throw new AdminRefusal(refusal.code, refusal.message, backTo(object));
    // Nothing is done nor audited until the admin confirms, on the page the GET above shows.
    if (action.dangerous && !isConfirmed(request.body)) return reply.redirect(path, 303);
    // A refusal (a provider's, a rule's) is told on the object's page, in words for the admin; a bug is a 500.
    const result = await executeAction(resource, action, row, context);
    return backWith(result.ok ? result.message : `“${action.label}” failed: ${result.message}`);
  });
}
