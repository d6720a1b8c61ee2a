import { html, type SafeHtml } from '../../views/html.js';
import type { KnownObjects, ObjectKind } from '../../../db/known-objects.js';

/** An object as an admin page shows it: its name linked to its page, or only text when it has no page (or no longer exists). */
export interface ShownObject {
  text: string;
  href: string | null;
}

/** The admin page of each kind of object, by id. */
export const ADMIN_PAGES: Readonly<Record<ObjectKind, string>> = {
  user: '/admin/users/',
  token: '/admin/tokens/',
  service_key: '/admin/services/',
  webhook_delivery: '/admin/webhooks/',
};

/** A user by username, linked to their page; their id as text once no user has it. */
export function shownUser(id: string, known: KnownObjects): ShownObject {
  const username = known.nameOf('user', id);
  return username === undefined ? { text: id, href: null } : { text: username, href: `${ADMIN_PAGES.user}${encodeURIComponent(id)}` };
}

/** The object's name, a link to its page while it has one. */
export function shown(object: ShownObject): SafeHtml {
  return object.href === null ? html`${object.text}` : html`<a href="${object.href}">${object.text}</a>`;
}
