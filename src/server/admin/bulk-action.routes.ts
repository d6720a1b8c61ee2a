import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TokenkeeperError } from '../../client/errors.js';
import type { Tokenkeeper } from '../../core/tokenkeeper.js';
import { fromAnotherSite } from '../fetch-metadata.js';
import { auditAction, executeAction, refusalOf } from './action-runner.js';
import { AdminRefusal } from './admin-errors.js';
import { page } from './admin-page.js';
import { adminContextOf, formValues, isConfirmed, type Action, type AnyAdminResource } from './resource.js';
import { adminResources } from './resources/index.js';
import { bulkConfirmPage } from './views/bulk-confirm-page.js';

/** Rows one post may act on: a list page's worth, and then some. */
export const MAX_BULK_ROWS = 100;
/** Failures and rows left alone named in the flash message at most; the rest are counted. */
const NAMED_AT_MOST = 5;

/** The list page the post came from (its search, filters, sort and page), or the bare list: never anywhere else. */
function listToReturnTo(resource: AnyAdminResource, back: unknown): string {
  const list = `/admin/${resource.name}`;
  return typeof back === 'string' && (back === list || (back.startsWith(`${list}?`) && !/[\\\s]/.test(back))) ? back : list;
}

/** "1 failed (github token of alice: …)": a part of the summary, naming at most NAMED_AT_MOST rows. */
function summaryPart(verb: string, entries: ReadonlyArray<{ title: string; message: string }>): string | null {
  if (entries.length === 0) return null;
  const named = entries.slice(0, NAMED_AT_MOST).map((entry) => `${entry.title}: ${entry.message}`);
  const more = entries.length > NAMED_AT_MOST ? `; and ${entries.length - NAMED_AT_MOST} more` : '';
  return `${entries.length} ${verb} (${named.join('; ')}${more})`;
}

/** The resource, action, ticked rows and list to go back to that a bulk form's fields name, or the refusal that answers them. */
async function bulkSelection(deps: Tokenkeeper, request: FastifyRequest<{ Params: { resource: string } }>, fields: Record<string, unknown>) {
  const resource = adminResources.find((candidate) => candidate.name === request.params.resource);
  if (!resource) throw new TokenkeeperError('not_found', 'There is no such admin page.');
  const context = adminContextOf(request, deps);
  const back = listToReturnTo(resource, fields.back);
  const backLink = { href: back, label: `Back to ${resource.label}` };
  const action: Action<unknown> | undefined = resource.actions.find((candidate) => candidate.bulk && candidate.name === fields.action);
  if (!action) throw new AdminRefusal('bad_request', 'Choose an action for the ticked rows.', backLink);
  const ids = [...new Set(formValues(fields.ids).filter((id) => id !== ''))];
  if (ids.length === 0) throw new AdminRefusal('bad_request', `Tick the ${resource.label.toLowerCase()} to ${action.label.toLowerCase()} first.`, backLink);
  if (ids.length > MAX_BULK_ROWS) throw new AdminRefusal('bad_request', `At most ${MAX_BULK_ROWS} rows at a time.`, backLink);
  const found = await Promise.all(ids.map((id) => resource.find(id, context)));
  const rows = found.filter((row) => row !== undefined);
  const refusals = rows.map((row) => refusalOf(resource, action, row, context));
  return { resource, context, action, ids, back, backLink, rows, refusals, gone: ids.length - rows.length };
}

/**
 * The address of the page that asks before a dangerous action on the ticked
 * rows: the selection in its query (ids, which the list's URLs show too;
 * nothing secret), so that the page is a GET's answer and the browser's Back
 * returns to it without offering to send a form again.
 */
function askingPath(resourceName: string, action: string, back: string, ids: readonly string[]): string {
  const query = new URLSearchParams([['action', action], ['back', back], ...ids.map((id): [string, string] => ['ids', id])]);
  return `/admin/${resourceName}/actions?${query}`;
}

/**
 * POST /admin/:resource/actions: an action of the list page's select, on the
 * rows ticked there (Django admin's actions). Each row goes through what its
 * own button does: refused to staff where superuser-only (audited), left alone
 * where it does not apply, audited one by one; a dangerous action first
 * redirects to GET /admin/:resource/actions, which shows every consequence,
 * and runs once confirmed from there. The flash message back on the list sums
 * it up.
 */
export async function bulkActionRoutes(app: FastifyInstance, deps: Tokenkeeper): Promise<void> {
  app.get<{ Params: { resource: string }; Querystring: Record<string, unknown> }>('/:resource/actions', async (request, reply) => {
    const { resource, context, action, back, backLink, rows, refusals, gone } = await bulkSelection(deps, request, request.query);
    // Showing the question does nothing and audits nothing; only a dangerous action has one.
    if (!action.dangerous) throw new AdminRefusal('not_found', 'There is no such page: this action asks nothing first.', backLink);
    // Only this site's own pages lead here (the 303 after the admin's post): a link from another site, rows and
    // action picked there, would land the admin one click from "Yes". It gets the list instead.
    if (fromAnotherSite(request)) return reply.redirect(back, 303);
    const confirmation = bulkConfirmPage({
      resource,
      action,
      back,
      willRun: rows.filter((_, index) => refusals[index] === undefined).map((row) => ({ id: resource.idOf(row), consequence: action.consequence(row, context) })),
      leftAlone: rows.flatMap((row, index) => (refusals[index] ? [{ title: resource.titleOf(row), reason: refusals[index].message }] : [])),
      gone,
      csrfToken: request.session?.csrfToken ?? '',
    });
    return reply.type('text/html; charset=utf-8').send(await page(app, request, `${action.label}: ${rows.length} ${resource.label.toLowerCase()}`, resource.name as never, confirmation));
  });

  app.post<{ Params: { resource: string }; Body: Record<string, unknown> | undefined }>('/:resource/actions', async (request, reply) => {
    const body = request.body ?? {};
    const { resource, context, action, ids, back, rows, refusals, gone } = await bulkSelection(deps, request, body);
    // Nothing is done nor audited until the admin confirms.
    if (action.dangerous && !isConfirmed(body)) return reply.redirect(askingPath(resource.name, action.name, back, ids), 303);

    const done: Array<{ title: string; message: string }> = [];
    const failed: Array<{ title: string; message: string }> = [];
    const leftAlone: Array<{ title: string; message: string }> = [];
    // One after another: each may call a provider, and a provider's limits are per client.
    for (const [index, row] of rows.entries()) {
      const title = resource.titleOf(row);
      const refusal = refusals[index];
      if (refusal) {
        if (refusal.code === 'superuser_only') await auditAction(resource, action, row, context, '_denied', { code: refusal.code, bulk: true });
        leftAlone.push({ title, message: refusal.message });
        continue;
      }
      const result = await executeAction(resource, action, row, context, { bulk: true });
      (result.ok ? done : failed).push({ title, message: result.message });
    }
    const parts = [
      done.length > 0 ? `${done.length} done` : null,
      summaryPart('failed', failed),
      summaryPart('left alone', leftAlone),
      gone > 0 ? `${gone} no longer there` : null,
    ].filter((part) => part !== null);
    await app.sessions.setFlash(request, `“${action.label}” on ${ids.length} ${ids.length === 1 ? resource.singular : resource.label.toLowerCase()}: ${parts.join('; ')}.`);
    return reply.redirect(back, 303);
  });
}

