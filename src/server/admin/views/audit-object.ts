import type { AuditEvent } from '../../../db/audit.repository.js';
import { html, type SafeHtml } from '../../views/html.js';

/** The admin page of each kind of object an audit entry can name. */
const PAGES: Readonly<Record<string, string>> = {
  user: '/admin/users/',
  token: '/admin/tokens/',
  service_key: '/admin/services/',
  webhook_delivery: '/admin/webhooks/',
};

/**
 * An audit entry's object ("token 01J…"), linked to its admin page. Token
 * events name a connection as `<user id>:<provider>` rather than a token row
 * (a reconnect replaces the row): those link to the user's page, which lists
 * the user's connections. An object deleted since gets the page's 404.
 */
export function auditObject(event: Pick<AuditEvent, 'targetType' | 'targetId'>): SafeHtml | string {
  const { targetType, targetId } = event;
  if (targetType === null || targetId === null) return `${targetType ?? ''} ${targetId ?? ''}`.trim();
  const separator = targetType === 'token' ? targetId.indexOf(':') : -1;
  const href = separator > 0 ? `/admin/users/${encodeURIComponent(targetId.slice(0, separator))}` : PAGES[targetType] && `${PAGES[targetType]}${encodeURIComponent(targetId)}`;
  return href ? html`${targetType} <a href="${href}">${targetId}</a>` : `${targetType} ${targetId}`;
}
