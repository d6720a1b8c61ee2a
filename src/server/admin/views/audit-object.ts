import type { Kysely } from 'kysely';
import type { AuditEvent } from '../../../db/audit.repository.js';
import type { DatabaseSchema } from '../../../db/schema.js';
import { html, type SafeHtml } from '../../views/html.js';
import { findKnownObjects, type KnownObjects, type ObjectKind } from '../../../db/known-objects.js';
import { ADMIN_PAGES, shown, shownUser, type ShownObject } from './shown-object.js';

/** An audit entry with its actor and object named for the admin pages. */
export interface AuditEntry extends AuditEvent {
  /** Null when no user acted (the CLI, the server itself). */
  actor: ShownObject | null;
  /** Null when the entry names no object. */
  object: ShownObject | null;
}

const isKind = (targetType: string): targetType is ObjectKind => Object.hasOwn(ADMIN_PAGES, targetType);

/**
 * Token events name a connection as `<user id>:<provider>` rather than a
 * token row (a reconnect replaces the row): the user and the provider then.
 */
function connectionOf(event: Pick<AuditEvent, 'targetType' | 'targetId'>): { userId: string; provider: string } | null {
  const separator = event.targetType === 'token' && event.targetId !== null ? event.targetId.indexOf(':') : -1;
  return separator > 0 ? { userId: event.targetId!.slice(0, separator), provider: event.targetId!.slice(separator + 1) } : null;
}

/** The ids the entries name, by kind, for findKnownObjects. */
export function idsNamedBy(events: readonly AuditEvent[]): Record<ObjectKind, string[]> {
  const ids: Record<ObjectKind, string[]> = { user: [], token: [], service_key: [], webhook_delivery: [] };
  for (const event of events) {
    if (event.actorUserId !== null) ids.user.push(event.actorUserId);
    const connection = connectionOf(event);
    if (connection) ids.user.push(connection.userId);
    else if (event.targetType !== null && event.targetId !== null && isKind(event.targetType)) ids[event.targetType].push(event.targetId);
  }
  return ids;
}

/**
 * Names each entry's actor and object. An object that still exists links to
 * its admin page (a connection to its user's page, which lists the user's
 * connections); one deleted since is its id as text, not a link to a 404.
 */
export function nameAuditEntries(events: readonly AuditEvent[], known: KnownObjects): AuditEntry[] {
  return events.map((event) => {
    const actor = event.actorUserId === null ? null : shownUser(event.actorUserId, known);
    const { targetType, targetId } = event;
    let object: ShownObject | null = null;
    const connection = connectionOf(event);
    if (connection) {
      const user = shownUser(connection.userId, known);
      object = user.href === null ? { text: targetId!, href: null } : { text: `${user.text}:${connection.provider}`, href: user.href };
    } else if (targetId !== null && targetType !== null && isKind(targetType)) {
      // Users and service keys by name; tokens and deliveries by id (their name would say less).
      const name = known.nameOf(targetType, targetId);
      const text = name !== undefined && (targetType === 'user' || targetType === 'service_key') ? name : targetId;
      object = { text, href: name === undefined ? null : `${ADMIN_PAGES[targetType]}${encodeURIComponent(targetId)}` };
    } else if (targetId !== null) {
      object = { text: targetId, href: null };
    }
    return { ...event, actor, object };
  });
}

/** The entries of one page, named with one query (see findKnownObjects). */
export async function auditEntries(db: Kysely<DatabaseSchema>, events: readonly AuditEvent[]): Promise<AuditEntry[]> {
  return nameAuditEntries(events, await findKnownObjects(db, idsNamedBy(events)));
}

/** An entry's object with its kind ("token alice:github"), linked while it exists. */
export function auditObject(entry: AuditEntry): SafeHtml | string {
  if (entry.object === null) return entry.targetType ?? '';
  return entry.targetType === null ? shown(entry.object) : html`${entry.targetType} ${shown(entry.object)}`;
}

/** An entry's actor: their username linked to their page, their id once deleted, a dash when no user acted. */
export function auditActor(entry: AuditEntry): SafeHtml | string {
  return entry.actor === null ? '—' : shown(entry.actor);
}
