import { html, type SafeHtml } from '../../views/html.js';
import { CONFIRMED_FIELD, type AnyAdminResource } from '../resource.js';

export interface BulkConfirmation {
  resource: AnyAdminResource;
  action: { name: string; label: string };
  /** The list page to go back to (with its query). */
  back: string;
  /** The rows it will run on, each with what will happen to it. */
  willRun: ReadonlyArray<{ id: string; consequence: string }>;
  /** The ticked rows it will not touch, and why. */
  leftAlone: ReadonlyArray<{ title: string; reason: string }>;
  /** Ticked rows that no longer exist. */
  gone: number;
  csrfToken: string;
}

/** "Are you sure?" before a dangerous action on the ticked rows: every consequence, then a form that posts the same selection again, confirmed. */
export function bulkConfirmPage(confirmation: BulkConfirmation): SafeHtml {
  const { resource, action, willRun } = confirmation;
  const verb = `${action.label.charAt(0).toLowerCase()}${action.label.slice(1)}`;
  const leftAlone =
    confirmation.leftAlone.length > 0
      ? html`<p>Left as they are:</p><ul class="left-alone">${confirmation.leftAlone.map((row) => html`<li>${row.title}: ${row.reason}</li>`)}</ul>`
      : null;
  const gone = confirmation.gone > 0 ? html`<p class="muted">${confirmation.gone} of the ticked rows no longer exist.</p>` : null;
  return html`<p class="muted"><a href="${confirmation.back}">${resource.label}</a> ›</p>
<h1>Are you sure?</h1>
<div class="card">
${willRun.length > 0 ? html`<ul class="consequences">${willRun.map((row) => html`<li class="consequence">${row.consequence}</li>`)}</ul>` : html`<p>None of the ticked rows can be changed this way.</p>`}
${leftAlone}${gone}
${
  willRun.length > 0
    ? html`<form method="post" action="/admin/${resource.name}/actions">
<input type="hidden" name="_csrf" value="${confirmation.csrfToken}">
<input type="hidden" name="${CONFIRMED_FIELD}" value="yes">
<input type="hidden" name="action" value="${action.name}">
<input type="hidden" name="back" value="${confirmation.back}">
${willRun.map((row) => html`<input type="hidden" name="ids" value="${row.id}">`)}
<div class="actions"><button type="submit" class="danger" data-confirm="${action.name}">Yes, ${verb} ${willRun.length === 1 ? `this ${resource.singular}` : `these ${willRun.length}`}</button>
<a class="button secondary" href="${confirmation.back}">No, go back</a></div>
</form>`
    : html`<p><a class="button secondary" href="${confirmation.back}">Go back</a></p>`
}
</div>`;
}
