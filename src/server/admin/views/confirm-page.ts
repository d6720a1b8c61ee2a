import { html, type SafeHtml } from '../../views/html.js';
import { CONFIRMED_FIELD } from '../resource.js';

export interface Confirmation {
  /** The links above the title: the object's list, then the object. */
  crumbs: ReadonlyArray<{ href: string; label: string }>;
  /** What will happen, in one sentence naming the object. */
  consequence: string;
  /** Where the confirmed post goes: the same address as the first. */
  path: string;
  /** The action's name (data-action) and label ("Delete user"). */
  action: { name: string; label: string };
  /** The object's page, where "No, go back" leads. */
  backHref: string;
  csrfToken: string;
}

/** "Are you sure?" before a dangerous admin action: a form that posts it again, confirmed, and a link back. */
export function confirmPage(confirmation: Confirmation): SafeHtml {
  const { action } = confirmation;
  const verb = `${action.label.charAt(0).toLowerCase()}${action.label.slice(1)}`;
  return html`<p class="muted">${confirmation.crumbs.map((crumb) => html`<a href="${crumb.href}">${crumb.label}</a> › `)}</p>
<h1>Are you sure?</h1>
<div class="card">
<p class="consequence">${confirmation.consequence}</p>
<form method="post" action="${confirmation.path}">
<input type="hidden" name="_csrf" value="${confirmation.csrfToken}">
<input type="hidden" name="${CONFIRMED_FIELD}" value="yes">
<div class="actions"><button type="submit" class="danger" data-confirm="${action.name}">Yes, ${verb}</button>
<a class="button secondary" href="${confirmation.backHref}">No, go back</a></div>
</form>
</div>`;
}
