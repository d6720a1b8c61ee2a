import { html, type SafeHtml } from '../../views/html.js';
import { mayRun, type AdminContext, type AnyAdminResource } from '../resource.js';

/** One object, read-only, with its actions as POST buttons carrying the CSRF token. */
export function detailPage(resource: AnyAdminResource, row: unknown, related: SafeHtml | null, context: AdminContext): SafeHtml {
  const id = resource.idOf(row);
  const csrfToken = context.request.session?.csrfToken ?? '';
  const actions = resource.actions.filter((action) => (action.appliesTo?.(row, context) ?? true) && mayRun(action, row, context));
  return html`<p class="muted"><a href="/admin/${resource.name}">${resource.label}</a> ›</p>
<h1>${resource.titleOf(row)}</h1>
<div class="card"><dl class="fields">
${resource.detail.map((field) => html`<dt>${field.label}</dt><dd>${field.render(row, context)}</dd>`)}
</dl></div>
${
  actions.length > 0
    ? html`<div class="actions">${actions.map(
        (action) => html`<form class="inline" method="post" action="/admin/${resource.name}/${encodeURIComponent(id)}/${action.name}">
<input type="hidden" name="_csrf" value="${csrfToken}"><button type="submit" class="${action.dangerous ? 'danger' : 'secondary'}" data-action="${action.name}">${action.label}</button></form>`,
      )}</div>`
    : null
}
${related}`;
}
