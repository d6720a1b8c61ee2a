import type { AdminCounts } from '../../../db/admin-lists.js';
import { absoluteTime, relativeTime } from '../../views/format.js';
import { html, type SafeHtml } from '../../views/html.js';
import { auditActor, auditObject, type AuditEntry } from './audit-object.js';

export function auditTable(events: readonly AuditEntry[], now: number): SafeHtml {
  if (events.length === 0) return html`<p class="muted">No entries.</p>`;
  return html`<div class="table-wrap"><table class="list">
<thead><tr><th>When</th><th>Event</th><th>Actor</th><th>Object</th><th>Detail</th></tr></thead>
<tbody>${events.map(
    (event) => html`<tr><td><a href="/admin/audit/${encodeURIComponent(event.id)}" title="${absoluteTime(event.at)}">${relativeTime(event.at, now)}</a></td>
<td><code>${event.event}</code></td><td>${auditActor(event)}</td><td>${auditObject(event)}</td>
<td class="muted">${event.detail ? JSON.stringify(event.detail) : ''}</td></tr>`,
  )}</tbody></table></div>`;
}

export function dashboardPage(counts: AdminCounts, recent: readonly AuditEntry[], now: number): SafeHtml {
  const tiles: Array<[string, number, string]> = [
    ['Users', counts.users, '/admin/users'],
    ['Connected tokens', counts.connectedTokens, '/admin/tokens'],
    ['Expiring within 10 min', counts.expiringSoon, '/admin/tokens?state=expiring'],
    ['Need re-auth', counts.needsReauth, '/admin/tokens?state=needs_reauth'],
  ];
  return html`<h1>Dashboard</h1>
<div class="tiles">${tiles.map(([label, value, href]) => html`<a class="tile card" href="${href}"><span class="tile-value">${value}</span><span class="tile-label">${label}</span></a>`)}</div>
<h2>Recent activity</h2>
${auditTable(recent, now)}`;
}
